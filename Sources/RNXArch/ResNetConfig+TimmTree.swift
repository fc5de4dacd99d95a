/// The module tree timm's `ResNet` builds (timm/models/resnet.py), in registration order.
extension ResNetConfig {
    /// timm's tree: torchvision's parameter names where the layers agree, timm's own module names (`act1`,
    /// `drop_block`, `aa`, `global_pool`) and its deep stems, avg-down shortcuts and `se` attention.
    var timmTree: Module {
        var children: [Module] = []
        let widths = stem.channels
        if stem == .conv7x7 {
            children.append(conv("conv1", inChannels, stemChannels, kernel: 7, stride: 2, padding: 3))
        } else {
            // nn.Sequential(conv, bn, act, conv, bn, act, conv): indices 0-6.
            let stemModules = [
                conv("0", inChannels, widths[0], kernel: 3, stride: 2, padding: 1),
                Module(name: "1", kind: .batchNorm2d(channels: widths[0])),
                Module(name: "2", kind: .relu),
                conv("3", widths[0], widths[1], kernel: 3, padding: 1),
                Module(name: "4", kind: .batchNorm2d(channels: widths[1])),
                Module(name: "5", kind: .relu),
                conv("6", widths[1], widths[2], kernel: 3, padding: 1),
            ]
            children.append(Module(name: "conv1", kind: .sequential, children: stemModules))
        }
        children.append(Module(name: "bn1", kind: .batchNorm2d(channels: stemChannels)))
        children.append(Module(name: "act1", kind: .relu))
        children.append(Module(name: "maxpool", kind: .maxPool2d(kernel: 3, stride: 2, padding: 1)))
        for (stage, blocks) in stageBlocks(timmBlock).enumerated() {
            children.append(Module(name: "layer\(stage + 1)", kind: .sequential, children: blocks))
        }
        children.append(
            Module(
                name: "global_pool", kind: .container(typeName: "SelectAdaptivePool2d"),
                children: [
                    Module(name: "pool", kind: .adaptiveAvgPool2d(outputSize: 1)),
                    Module(name: "flatten", kind: .flatten),
                ]))
        children.append(Module(name: "fc", kind: .linear(inFeatures: featureCount, outFeatures: numClasses)))
        return Module(name: "", kind: .resnet, children: children)
    }

    private func timmBlock(_ name: String, _ stage: Int, _ inChannels: Int, _ stride: Int) -> Module {
        let planes = self.planes(stage: stage)
        let outChannels = planes * block.expansion
        var children: [Module] = []
        var main: [String]
        switch block {
        case .basic:
            children += [
                conv("conv1", inChannels, planes, kernel: 3, stride: stride, padding: 1),
                Module(name: "bn1", kind: .batchNorm2d(channels: planes)),
                Module(name: "drop_block", kind: .identity),
                Module(name: "act1", kind: .relu),
                Module(name: "aa", kind: .identity),
                conv("conv2", planes, outChannels, kernel: 3, padding: 1),
                Module(name: "bn2", kind: .batchNorm2d(channels: outChannels)),
            ]
            main = ["conv1", "bn1", "drop_block", "act1", "aa", "conv2", "bn2"]
        case .bottleneck:
            let width = bottleneckWidth(stage: stage)
            children += [
                conv("conv1", inChannels, width, kernel: 1),
                Module(name: "bn1", kind: .batchNorm2d(channels: width)),
                Module(name: "act1", kind: .relu),
                conv("conv2", width, width, kernel: 3, stride: stride, padding: 1, groups: groups),
                Module(name: "bn2", kind: .batchNorm2d(channels: width)),
                Module(name: "drop_block", kind: .identity),
                Module(name: "act2", kind: .relu),
                Module(name: "aa", kind: .identity),
                conv("conv3", width, outChannels, kernel: 1),
                Module(name: "bn3", kind: .batchNorm2d(channels: outChannels)),
            ]
            main = ["conv1", "bn1", "act1", "conv2", "bn2", "drop_block", "act2", "aa", "conv3", "bn3"]
        }
        if let attention = attentionModule(channels: outChannels) {
            children.append(attention)
            main.append("se")
        }
        let finalActivation = block == .basic ? "act2" : "act3"
        children.append(Module(name: finalActivation, kind: .relu))
        let reshapes = stride != 1 || inChannels != outChannels
        if reshapes {
            var shortcutModules: [Module] = []
            if shortcut == .avgDown {
                shortcutModules.append(
                    stride == 1
                        ? Module(name: "0", kind: .identity)
                        : Module(name: "0", kind: .avgPool2d(kernel: 2, stride: stride)))
                shortcutModules.append(conv("1", inChannels, outChannels, kernel: 1))
                shortcutModules.append(Module(name: "2", kind: .batchNorm2d(channels: outChannels)))
            } else {
                shortcutModules.append(conv("0", inChannels, outChannels, kernel: 1, stride: stride))
                shortcutModules.append(Module(name: "1", kind: .batchNorm2d(channels: outChannels)))
            }
            children.append(Module(name: "downsample", kind: .sequential, children: shortcutModules))
        }
        let spec = ResidualSpec(
            typeName: block.torchClassName, mainPath: main, shortcut: reshapes ? "downsample" : nil,
            finalActivation: finalActivation)
        return Module(name: name, kind: .residual(spec), children: children)
    }

    private func attentionModule(channels: Int) -> Module? {
        switch attention {
        case .none:
            return nil
        case .squeezeExcite(let reduction):
            let reduced = Attention.squeezeWidth(channels: channels, reduction: reduction)
            return Module(
                name: "se", kind: .squeezeExcite,
                children: [
                    conv("fc1", channels, reduced, kernel: 1, bias: true),
                    Module(name: "bn", kind: .identity),
                    Module(name: "act", kind: .relu),
                    conv("fc2", reduced, channels, kernel: 1, bias: true),
                    Module(name: "gate", kind: .sigmoid),
                ])
        case .eca:
            let kernel = Attention.ecaKernel(channels: channels)
            return Module(
                name: "se", kind: .efficientChannelAttention,
                children: [
                    Module(name: "conv", kind: .conv1d(kernel: kernel, padding: (kernel - 1) / 2)),
                    Module(name: "gate", kind: .sigmoid),
                ])
        }
    }
}
