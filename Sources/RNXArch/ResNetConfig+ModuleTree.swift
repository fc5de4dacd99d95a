/// Building the module tree that torchvision (or the CIFAR implementation) would build for a configuration.
extension ResNetConfig {
    /// The root module, whose parameter names are exactly the reference implementation's `state_dict()` keys.
    public var moduleTree: Module {
        switch naming {
        // torchvision cannot build timm's layers; such a configuration keeps timm's tree whatever it is called.
        case .torchvision: needsTimm && family == .imagenet ? timmTree : torchvisionTree
        case .timm: timmTree
        case .transformers: transformersTree
        }
    }

    private var torchvisionTree: Module {
        var children: [Module] = []
        switch family {
        case .imagenet:
            children.append(conv("conv1", inChannels, stemChannels, kernel: 7, stride: 2, padding: 3))
            children.append(Module(name: "bn1", kind: .batchNorm2d(channels: stemChannels)))
            children.append(Module(name: "relu", kind: .relu))
            children.append(Module(name: "maxpool", kind: .maxPool2d(kernel: 3, stride: 2, padding: 1)))
        case .cifar:
            children.append(conv("conv1", inChannels, stemChannels, kernel: 3, stride: 1, padding: 1))
            children.append(Module(name: "bn1", kind: .batchNorm2d(channels: stemChannels)))
        }
        for (stage, blocks) in stageBlocks(makeBlock).enumerated() {
            children.append(Module(name: "layer\(stage + 1)", kind: .sequential, children: blocks))
        }
        if family == .imagenet {
            children.append(Module(name: "avgpool", kind: .adaptiveAvgPool2d(outputSize: 1)))
        }
        children.append(
            Module(name: classifierName, kind: .linear(inFeatures: featureCount, outFeatures: numClasses)))
        return Module(name: "", kind: .resnet, children: children)
    }

    /// Each stage's blocks, built by `make(name, stage, inChannels, stride)`: the first block of a stage takes the
    /// previous stage's channels and the stage's stride, the others stride 1.
    func stageBlocks(_ make: (String, Int, Int, Int) -> Module) -> [[Module]] {
        var channels = stemChannels
        return layers.enumerated().map { stage, count in
            (0..<count).map { index in
                let module = make(String(index), stage, channels, index == 0 ? self.stride(stage: stage) : 1)
                channels = planes(stage: stage) * block.expansion
                return module
            }
        }
    }

    func conv(
        _ name: String, _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
        groups: Int = 1, bias: Bool = false
    ) -> Module {
        Module(
            name: name,
            kind: .conv2d(
                Conv2dSpec(
                    inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride,
                    padding: padding, groups: groups, bias: bias)))
    }

    private func makeBlock(_ name: String, _ stage: Int, _ inChannels: Int, _ stride: Int) -> Module {
        let planes = self.planes(stage: stage)
        let outChannels = planes * block.expansion
        var children: [Module] = []
        switch block {
        case .basic:
            children.append(conv("conv1", inChannels, planes, kernel: 3, stride: stride, padding: 1))
            children.append(Module(name: "bn1", kind: .batchNorm2d(channels: planes)))
            if family == .imagenet { children.append(Module(name: "relu", kind: .relu)) }
            children.append(conv("conv2", planes, planes, kernel: 3, padding: 1))
            children.append(Module(name: "bn2", kind: .batchNorm2d(channels: planes)))
        case .bottleneck:
            let width = bottleneckWidth(stage: stage)
            children.append(conv("conv1", inChannels, width, kernel: 1))
            children.append(Module(name: "bn1", kind: .batchNorm2d(channels: width)))
            children.append(conv("conv2", width, width, kernel: 3, stride: stride, padding: 1, groups: groups))
            children.append(Module(name: "bn2", kind: .batchNorm2d(channels: width)))
            children.append(conv("conv3", width, outChannels, kernel: 1))
            children.append(Module(name: "bn3", kind: .batchNorm2d(channels: outChannels)))
            children.append(Module(name: "relu", kind: .relu))
        }
        let reshapes = stride != 1 || inChannels != outChannels
        switch (family, shortcut, reshapes) {
        case (.imagenet, _, true):
            children.append(projection(name: "downsample", inChannels, outChannels, stride: stride))
        case (.imagenet, _, false):
            break
        case (.cifar, .projection, true), (.cifar, .avgDown, true):
            children.append(projection(name: "shortcut", inChannels, outChannels, stride: stride))
        case (.cifar, .zeroPad, true):
            let pad = (outChannels - inChannels) / 2
            children.append(
                Module(
                    name: "shortcut",
                    kind: .zeroPadShortcut(stride: stride, padBefore: pad, padAfter: outChannels - inChannels - pad)))
        case (.cifar, _, false):
            children.append(Module(name: "shortcut", kind: .sequential))
        }
        let main = block == .basic
            ? (family == .imagenet ? ["conv1", "bn1", "relu", "conv2", "bn2"] : ["conv1", "bn1", "conv2", "bn2"])
            : ["conv1", "bn1", "relu", "conv2", "bn2", "relu", "conv3", "bn3"]
        let shortcutName = family == .cifar ? "shortcut" : (reshapes ? "downsample" : nil)
        let spec = ResidualSpec(
            typeName: block.torchClassName, mainPath: main, shortcut: shortcutName,
            finalActivation: family == .imagenet ? "relu" : nil)
        return Module(name: name, kind: .residual(spec), children: children)
    }

    private func projection(name: String, _ inChannels: Int, _ outChannels: Int, stride: Int) -> Module {
        Module(
            name: name, kind: .sequential,
            children: [
                conv("0", inChannels, outChannels, kernel: 1, stride: stride),
                Module(name: "1", kind: .batchNorm2d(channels: outChannels)),
            ])
    }
}
