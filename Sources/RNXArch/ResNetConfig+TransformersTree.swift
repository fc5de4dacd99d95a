/// The module tree transformers' `ResNetForImageClassification` builds (models/resnet/modeling_resnet.py).
extension ResNetConfig {
    /// transformers' tree: `resnet.embedder`, `resnet.encoder.stages.N.layers.M` (`shortcut`, then `layer.K` of
    /// `ResNetConvLayer`s), `resnet.pooler`, `classifier` (`Flatten`, `Linear`).
    var transformersTree: Module {
        let embedder = Module(
            name: "embedder", kind: .container(typeName: "ResNetEmbeddings"),
            children: [
                convLayer("embedder", inChannels, stemChannels, kernel: 7, stride: 2, activation: true),
                Module(name: "pooler", kind: .maxPool2d(kernel: 3, stride: 2, padding: 1)),
            ])
        var stages: [Module] = []
        for (stage, blocks) in stageBlocks(transformersBlock).enumerated() {
            var layersModule = Module(name: "layers", kind: .sequential, children: blocks)
            layersModule.isIterated = true
            stages.append(
                Module(name: String(stage), kind: .container(typeName: "ResNetStage"), children: [layersModule]))
        }
        var stageList = Module(name: "stages", kind: .container(typeName: "ModuleList"), children: stages)
        stageList.isIterated = true
        let encoder = Module(
            name: "encoder", kind: .container(typeName: "ResNetEncoder"), children: [stageList])
        let resnet = Module(
            name: "resnet", kind: .container(typeName: "ResNetModel"),
            children: [embedder, encoder, Module(name: "pooler", kind: .adaptiveAvgPool2d(outputSize: 1))])
        let classifier = Module(
            name: "classifier", kind: .sequential,
            children: [
                Module(name: "0", kind: .flatten),
                Module(name: "1", kind: .linear(inFeatures: featureCount, outFeatures: numClasses)),
            ])
        return Module(
            name: "", kind: .container(typeName: "ResNetForImageClassification"), children: [resnet, classifier])
    }

    /// `ResNetConvLayer`: convolution (padding kernel // 2), BatchNorm, then ReLU or `Identity`.
    private func convLayer(
        _ name: String, _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, activation: Bool
    ) -> Module {
        Module(
            name: name, kind: .container(typeName: "ResNetConvLayer"),
            children: [
                conv("convolution", inChannels, outChannels, kernel: kernel, stride: stride, padding: kernel / 2),
                Module(name: "normalization", kind: .batchNorm2d(channels: outChannels)),
                Module(name: "activation", kind: activation ? .relu : .identity),
            ])
    }

    private func transformersBlock(_ name: String, _ stage: Int, _ inChannels: Int, _ stride: Int) -> Module {
        let planes = self.planes(stage: stage)
        let outChannels = planes * block.expansion
        let reshapes = stride != 1 || inChannels != outChannels
        let shortcut = reshapes
            ? Module(
                name: "shortcut", kind: .container(typeName: "ResNetShortCut"),
                children: [
                    conv("convolution", inChannels, outChannels, kernel: 1, stride: stride),
                    Module(name: "normalization", kind: .batchNorm2d(channels: outChannels)),
                ])
            : Module(name: "shortcut", kind: .identity)
        let layers: [Module]
        switch block {
        case .basic:
            layers = [
                convLayer("0", inChannels, outChannels, kernel: 3, stride: stride, activation: true),
                convLayer("1", outChannels, outChannels, kernel: 3, activation: false),
            ]
        case .bottleneck:
            let first = strideInFirstConv ? stride : 1
            layers = [
                convLayer("0", inChannels, planes, kernel: 1, stride: first, activation: true),
                convLayer("1", planes, planes, kernel: 3, stride: stride / first, activation: true),
                convLayer("2", planes, outChannels, kernel: 1, activation: false),
            ]
        }
        let spec = ResidualSpec(
            typeName: block == .basic ? "ResNetBasicLayer" : "ResNetBottleNeckLayer", mainPath: ["layer"],
            shortcut: "shortcut", finalActivation: "activation")
        return Module(
            name: name, kind: .residual(spec),
            children: [
                shortcut, Module(name: "layer", kind: .sequential, children: layers),
                Module(name: "activation", kind: .relu),
            ])
    }
}
