import Foundation
import RNXArch
import RNXReport
import RNXTestSupport
import Testing

/// Receptive fields, jumps and FLOPs checked against hand arithmetic.
struct SummaryArithmeticTests {
    private func call(_ trace: ForwardTrace, _ path: String) throws -> LayerCall {
        try #require(trace.calls.first { $0.path == path })
    }

    /// With r_out = r_in + (k - 1) * j_in and j_out = j_in * s, starting from r = j = 1:
    /// conv1 (7, /2): r = 1 + 6*1 = 7, j = 2; maxpool (3, /2): r = 7 + 2*2 = 11, j = 4;
    /// layer1.0.conv1 (3): r = 11 + 2*4 = 19; conv2: 27; layer1.1.conv2: 27 + 2*8 = 43 (j = 4 throughout);
    /// layer2.0.conv1 (3, /2): r = 43 + 2*4 = 51, j = 8; conv2: 51 + 2*8 = 67; its downsample (1, /2): r = 43, j = 8,
    /// so the block's output (the larger of the two paths) has r = 67; layer2.1 adds 2*2*8: 99; layer3 (j = 16):
    /// 99 + 2*8 + 2*16 + 2*2*16 = 211; layer4 (j = 32): 211 + 2*16 + 2*32 + 2*2*32 = 435; the 7x7 global pool adds
    /// 6*32: 627, j = 7*32 = 224.
    @Test func resnet18ReceptiveFields() throws {
        let trace = try ForwardTrace(
            config: #require(ResNetConfig.named("resnet18")), input: SummaryInput(channels: 3, height: 224, width: 224))
        let expected: [(String, Int, Int)] = [
            ("conv1", 7, 2), ("maxpool", 11, 4), ("layer1.0.conv1", 19, 4), ("layer1.0.conv2", 27, 4),
            ("layer1.1.conv2", 43, 4), ("layer1", 43, 4), ("layer2.0.conv1", 51, 8), ("layer2.0.conv2", 67, 8),
            ("layer2.0.downsample", 43, 8), ("layer2.0", 67, 8), ("layer2", 99, 8), ("layer3", 211, 16),
            ("layer4", 435, 32), ("avgpool", 627, 224), ("fc", 627, 224),
        ]
        for (path, field, jump) in expected {
            let layer = try call(trace, path)
            #expect(layer.receptiveField == Extent(square: field), "\(path)")
            #expect(layer.jump == Extent(square: jump), "\(path)")
        }
        #expect(try call(trace, "conv1").kernel == Extent(square: 7))
        #expect(try call(trace, "conv1").stride == Extent(square: 2))
    }

    /// resnet20: conv1 (3): r = 3, j = 1; six 3x3 convs in layer1: 3 + 6*2 = 15; layer2.0.conv1 (/2): 15 + 2 = 17,
    /// j = 2; five more convs: 17 + 5*4 = 37; layer3.0.conv1 (/2): 37 + 2*2 = 41, j = 4; five more: 41 + 5*8 = 81;
    /// the functional 8x8 average pool before `linear`: 81 + 7*4 = 109, j = 32.
    @Test func resnet20ReceptiveFields() throws {
        let trace = try ForwardTrace(
            config: #require(ResNetConfig.named("resnet20")), input: SummaryInput(channels: 3, height: 32, width: 32))
        let expected: [(String, Int, Int)] = [
            ("conv1", 3, 1), ("layer1", 15, 1), ("layer2.0.conv1", 17, 2), ("layer2", 37, 2),
            ("layer3.0.conv1", 41, 4), ("layer3", 81, 4), ("linear", 109, 32),
        ]
        for (path, field, jump) in expected {
            let layer = try call(trace, path)
            #expect(layer.receptiveField == Extent(square: field), "\(path)")
            #expect(layer.jump == Extent(square: jump), "\(path)")
        }
    }

    /// FLOPs are 2 x the mult-adds without BatchNorm's. torchvision-resnets.json gives resnet18 1,814,083,944
    /// mult-adds and 9,620 buffers: running mean and var (2C per BN) plus one num_batches_tracked per BN (20 BNs),
    /// so the BNs' mult-adds (2C each, batch 1) are 9,620 - 20 = 9,600 and FLOPs = 2 x 1,814,074,344.
    @Test func resnet18Flops() throws {
        let trace = try ForwardTrace(
            config: #require(ResNetConfig.named("resnet18")), input: SummaryInput(channels: 3, height: 224, width: 224))
        let table = try SummaryTable(trace: trace, style: .torchinfo)
        #expect(table.totals.flops == 3_628_148_688)
        #expect(table.renderText(.init(flops: true)).contains("\nTotal FLOPs (G): 3.63\n"))
    }

    /// A global pool over a non-square map has a non-square window: resnet50 at 160x128 ends with a 5x4 map.
    @Test func nonSquarePoolWindow() throws {
        let trace = try ForwardTrace(
            config: #require(ResNetConfig.named("resnet50")), input: SummaryInput(channels: 3, height: 160, width: 128))
        let pool = try call(trace, "avgpool")
        #expect(pool.kernel == Extent(5, 4))
        #expect(pool.jump == Extent(160, 128))
    }
}
