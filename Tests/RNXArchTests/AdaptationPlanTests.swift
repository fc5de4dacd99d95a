import RNXArch
import RNXTensor
import Testing

/// Each adaptation's arithmetic on small tensors whose results can be worked out by hand.
struct AdaptationPlanTests {
    /// A CIFAR net (64 features) with `classes` rows; only the classifier and conv1 matter here.
    static func config(classes: Int = 3, channels: Int = 3) -> ResNetConfig {
        var config = ResNetConfig.cifar(blocksPerStage: 1)
        config.numClasses = classes
        config.inChannels = channels
        return config
    }

    static func descriptors(_ config: ResNetConfig) -> [TensorDescriptor] {
        config.moduleTree.stateDictEntries().map {
            TensorDescriptor(name: $0.name, dtype: $0.isInteger ? .int64 : .float32, shape: $0.shape)
        }
    }

    /// Row r of a [rows, 64] weight holds r*100 + column.
    static func classifier(rows: Int) throws -> (Tensor, Tensor) {
        let weight = try Tensor(floats: (0..<rows * 64).map { Float($0 / 64 * 100 + $0 % 64) }, shape: [rows, 64])
        let bias = try Tensor(floats: (0..<rows).map { Float($0) + 0.5 }, shape: [rows])
        return (weight, bias)
    }

    static func plan(_ config: ResNetConfig, _ adaptations: [Adaptation]) throws -> AdaptationPlan {
        try AdaptationPlan(source: config, descriptors: descriptors(config), adaptations: adaptations)
    }

    @Test func fewerClassesKeepTheFirstRows() throws {
        let plan = try Self.plan(Self.config(), [.numClasses(2)])
        let (weight, bias) = try Self.classifier(rows: 3)
        #expect(try plan.apply(weight, name: "linear.weight").floats() == Array(weight.floats()[0..<128]))
        #expect(try plan.apply(bias, name: "linear.bias").floats() == [0.5, 1.5])
        #expect(plan.notes == ["classifier linear cut from 3 to 2 rows (the first 2 kept)"])
        #expect(plan.target.numClasses == 2)
        #expect(plan.descriptor(for: TensorDescriptor(name: "linear.weight", dtype: .float32, shape: [3, 64])).shape == [2, 64])
    }

    @Test func moreClassesAppendZeroRows() throws {
        let plan = try Self.plan(Self.config(), [.numClasses(5, rowInit: .zeros)])
        let (weight, bias) = try Self.classifier(rows: 3)
        #expect(try plan.apply(weight, name: "linear.weight").floats() == weight.floats() + [Float](repeating: 0, count: 128))
        #expect(try plan.apply(bias, name: "linear.bias").floats() == [0.5, 1.5, 2.5, 0, 0])
        #expect(plan.notes == ["classifier linear extended from 3 to 5 rows (2 new rows: zeros)"])
    }

    /// New rows: SplitMix64(seed) values, weight first then bias, each (2u - 1)/sqrt(64) with u = (x >> 11) / 2^53.
    @Test func moreClassesAppendSeededUniformRows() throws {
        var reference = SplitMix64(seed: 0)
        #expect(reference.next() == 0xE220_A839_7B1D_CDAF)  // SplitMix64's published first output for seed 0
        let first = Float((2 * (Double(UInt64(0xE220_A839_7B1D_CDAF) >> 11) * 0x1p-53) - 1) / 8)
        let plan = try Self.plan(Self.config(), [.numClasses(4, rowInit: .uniform, seed: 0)])
        let (weight, bias) = try Self.classifier(rows: 3)
        let newWeight = Array(try plan.apply(weight, name: "linear.weight").floats()[192...])
        #expect(newWeight.count == 64)
        #expect(newWeight[0] == first)
        #expect(newWeight.allSatisfy { abs($0) <= 0.125 })
        var stream = SplitMix64(seed: 0)
        let draws = (0..<65).map { _ in stream.uniform(bound: 1.0 / 8) }
        #expect(newWeight == Array(draws[0..<64]))
        #expect(try plan.apply(bias, name: "linear.bias").floats() == [0.5, 1.5, 2.5, draws[64]])
        let other = try Self.plan(Self.config(), [.numClasses(4, rowInit: .uniform, seed: 7)])
        #expect(try other.apply(weight, name: "linear.weight") != plan.apply(weight, name: "linear.weight"))
        #expect(plan.notes == ["classifier linear extended from 3 to 4 rows (1 new rows: uniform in ±1/sqrt(64), seed 0)"])
    }

    @Test func classesKeepExactRowsInOrder() throws {
        let plan = try Self.plan(Self.config(), [.classes([2, 0, 2])])
        let (weight, bias) = try Self.classifier(rows: 3)
        let rows = try plan.apply(weight, name: "linear.weight").floats()
        #expect(Array(rows[0..<64]) == (0..<64).map { Float(200 + $0) })
        #expect(Array(rows[64..<128]) == (0..<64).map { Float($0) })
        #expect(try plan.apply(bias, name: "linear.bias").floats() == [2.5, 0.5, 2.5])
        #expect(plan.notes == ["classifier linear rows 2, 0, 2 selected from 3"])
    }

    @Test func classOutOfRangeIsNamed() {
        #expect(throws: ArchError.classIndexOutOfRange(index: 3, classes: 3)) {
            try Self.plan(Self.config(), [.classes([0, 3])])
        }
        #expect(
            ArchError.classIndexOutOfRange(index: 3, classes: 3).description
                == "class index 3 is out of range: the classifier has 3 rows (0-2)")
    }

    @Test func impossibleAdaptationsAreRefused() {
        #expect(throws: ArchError.invalidAdaptation("--num-classes must be between 1 and 1000000, got 0")) {
            try Self.plan(Self.config(), [.numClasses(0)])
        }
        #expect(throws: ArchError.invalidAdaptation("--num-classes and --classes cannot be combined")) {
            try Self.plan(Self.config(), [.numClasses(2), .classes([1])])
        }
        #expect(throws: ArchError.invalidAdaptation("--in-channels must be between 1 and 4096, got 0")) {
            try Self.plan(Self.config(), [.inChannels(0)])
        }
        #expect(throws: ArchError.invalidAdaptation("--dtype must be f32, f16 or bf16, got i64")) {
            try Self.plan(Self.config(), [.dtype(.int64)])
        }
        #expect(throws: ArchError.invalidAdaptation("--classes lists no class index")) {
            try Self.plan(Self.config(), [.classes([])])
        }
    }

    /// conv1 [2, 3, 1, 1] with filters (1, 2, 4) and (8, 16, 32).
    static let stem = try! Tensor(floats: [1, 2, 4, 8, 16, 32], shape: [2, 3, 1, 1])

    @Test func oneInputChannelSumsTheFilters() throws {
        let plan = try Self.plan(Self.config(), [.inChannels(1)])
        let adapted = try plan.apply(Self.stem, name: "conv1.weight")
        #expect(adapted.shape == [2, 1, 1, 1])
        #expect(adapted.floats() == [7, 56])
        #expect(plan.notes == ["conv1 summed over 3 input channels into 1"])
    }

    @Test func moreInputChannelsRepeatCyclicallyAndScale() throws {
        let plan = try Self.plan(Self.config(), [.inChannels(5)])
        let adapted = try plan.apply(Self.stem, name: "conv1.weight")
        #expect(adapted.shape == [2, 5, 1, 1])
        let s = Float(0.6)  // 3/5 as torch's float32 arithmetic sees the Python scalar
        #expect(adapted.floats() == [1 * s, 2 * s, 4 * s, 1 * s, 2 * s, 8 * s, 16 * s, 32 * s, 8 * s, 16 * s])
        #expect(plan.notes == ["conv1 repeated cyclically from 3 to 5 input channels, scaled by 3/5"])
        #expect(plan.target.inChannels == 5)
    }

    @Test func dtypeConvertsFloatingTensorsOnly() throws {
        let plan = try Self.plan(Self.config(), [.dtype(.float16)])
        let value = try Tensor(floats: [1, -2, 0.5], shape: [3])
        // binary16: 1.0 = 0x3C00, -2.0 = 0xC000, 0.5 = 0x3800, little-endian.
        #expect(try plan.apply(value, name: "bn1.weight").bytes == [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38])
        let counter = try Tensor(dtype: .int64, shape: [], bytes: [7, 0, 0, 0, 0, 0, 0, 0])
        #expect(try plan.apply(counter, name: "bn1.num_batches_tracked") == counter)
        #expect(plan.notes == ["floating tensors converted from f32 to f16"])
        let bf = try Self.plan(Self.config(), [.dtype(.bfloat16)])
        // bfloat16 is the top half of binary32: 1.0 = 0x3F80.
        #expect(try bf.apply(value, name: "bn1.weight").bytes == [0x80, 0x3F, 0x00, 0xC0, 0x00, 0x3F])
    }
}
