import RNXArch
import RNXReport
import Testing

/// Every `ReportError` case `rnx summary` can raise.
struct SummaryErrorTests {
    private func request(_ configure: (inout SummaryRequest) -> Void) -> SummaryRequest {
        var request = SummaryRequest()
        configure(&request)
        return request
    }

    @Test(arguments: ["3x", "3x224x224x1", "0x224x224", "3x-1x2", "axb", "", "224"])
    func invalidInputSize(_ text: String) {
        #expect(throws: ReportError.invalidInputSize(text)) {
            try request { $0.inputSize = text }.render(architecture: "resnet18")
        }
    }

    @Test func acceptsHeightByWidth() throws {
        let text = try request { $0.inputSize = "160x128" }.render(architecture: "resnet18")
        #expect(text.contains("├─Conv2d: 1-1                            [1, 64, 80, 64]"))
    }

    @Test func invalidOptions() {
        #expect(throws: ReportError.invalidOption(name: "--batch-size", value: 0)) {
            try request { $0.batchSize = 0 }.render(architecture: "resnet18")
        }
        #expect(throws: ReportError.invalidOption(name: "--num-classes", value: -3)) {
            try request { $0.numClasses = -3 }.render(architecture: "resnet18")
        }
        #expect(throws: ReportError.invalidOption(name: "--in-channels", value: 0)) {
            try request { $0.inChannels = 0 }.render(architecture: "resnet18")
        }
        #expect(throws: ReportError.invalidOption(name: "--depth", value: -1)) {
            try request { $0.depth = -1 }.render(architecture: "resnet18")
        }
    }

    @Test func channelMismatch() {
        #expect(throws: ReportError.channelMismatch(input: 3, model: 1)) {
            try request {
                $0.inputSize = "3x224x224"
                $0.inChannels = 1
            }.render(architecture: "resnet18")
        }
        let config = ResNetConfig(block: .basic, layers: [2, 2, 2, 2], inChannels: 1)
        #expect(throws: ReportError.channelMismatch(input: 3, model: 1)) {
            try ForwardTrace(config: config, input: SummaryInput(channels: 3, height: 224, width: 224))
        }
    }

    /// The CIFAR net pools its last stage with a W x W window (W its width): 3x32x40 ends 8x10, so the pool fails,
    /// as it does in PyTorch ("Output size is too small"). Heights that work at width 40: the last stage is
    /// ceil(H / 4) high and must be from 10 to 19, so H from 37 to 76.
    @Test func cifarPoolNeedsHeightAtLeastWidth() {
        let reason =
            "its last stage is 8x10 and F.avg_pool2d(out, out.size(3)) pools it with a 10x10 window, so the "
            + "classifier gets one row of features only for an input height from 37 to 76 at this width"
        #expect(throws: ReportError.inputDoesNotFit(input: "3x32x40", architecture: "resnet20", reason: reason)) {
            try request { $0.inputSize = "32x40" }.render(architecture: "resnet20")
        }
        #expect(throws: Never.self) { try request { $0.inputSize = "37x40" }.render(architecture: "resnet20") }
        #expect(throws: Never.self) { try request { $0.inputSize = "76x40" }.render(architecture: "resnet20") }
        #expect(throws: ReportError.self) { try request { $0.inputSize = "77x40" }.render(architecture: "resnet20") }
    }

    /// torchvision's ResNets run on any input of at least 1x1 (PyTorch 2.15 returns [1, 1000] for resnet50 on
    /// 1x3x1x1), so the smallest input is accepted.
    @Test func torchvisionAcceptsOnePixel() throws {
        let text = try request { $0.inputSize = "1x1" }.render(architecture: "resnet50")
        #expect(text.contains("├─AdaptiveAvgPool2d: 1-9                 [1, 2048, 1, 1]"))
    }

    @Test func overflow() {
        #expect(throws: ReportError.sizeOverflow(layer: "conv1")) {
            try request { $0.batchSize = Int.max / 2 }.render(architecture: "resnet18")
        }
    }

    @Test func unknownArchitecture() {
        #expect(throws: ReportError.unknownArchitecture("resnet19")) {
            try request { _ in }.render(architecture: "resnet19")
        }
    }

    @Test func descriptionsAreOneLine() {
        let errors: [ReportError] = [
            .invalidInputSize("3x"), .invalidOption(name: "--depth", value: -1), .channelMismatch(input: 3, model: 1),
            .inputDoesNotFit(input: "3x1x1", architecture: "x", reason: "y"), .sizeOverflow(layer: "conv1"),
            .unknownArchitecture("x"),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
            #expect(error.category.exitStatus == 64)
        }
    }
}
