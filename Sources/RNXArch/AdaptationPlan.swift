import RNXTensor

/// The adaptations of one conversion, validated against the source architecture, applied one tensor at a time.
///
/// Arithmetic follows the usual PyTorch code so results match it exactly:
/// - classifier cut (`--num-classes` smaller) and row selection (`--classes`) copy whole rows' bytes, so any dtype
///   is kept bit for bit;
/// - new classifier rows: weight rows first (row-major), then the bias values, drawn from one `SplitMix64(seed)`
///   stream with `uniform(bound: 1/sqrt(in_features))`, rounded to the tensor's dtype; or zeros;
/// - `--in-channels 1`: conv1's filters summed over input channels in `Float`, in channel order (as
///   `w.sum(dim=1, keepdim=True)`); other C: channel `j` is input channel `j mod Cs` times `Float(Cs / C)`
///   (as `w.repeat(...)[:, :C] * (3 / C)` with Cs = 3), rounded to the tensor's dtype;
/// - `--dtype`: every floating tensor rounded to nearest even in the new dtype, after the changes above.
public struct AdaptationPlan: Sendable {
    /// The most classifier rows `--num-classes` may ask for (a bound on the memory new rows take).
    public static let maxClasses = 1_000_000
    /// The most input channels `--in-channels` may ask for.
    public static let maxInChannels = 4096

    /// The architecture of the tensors before any adaptation.
    public let source: ResNetConfig
    /// The architecture of the result (num_classes and in_channels changed).
    public let target: ResNetConfig
    /// The adaptations as asked for, in order (recorded in the output's metadata, no-ops included).
    public let adaptations: [Adaptation]
    /// What was done, one human-readable line per effective adaptation (no-ops are left out).
    public let notes: [String]

    private var rowSelection: [Int]?
    private var newRows: (count: Int, rowInit: Adaptation.RowInit, seed: UInt64)?
    private var outputDType: DType?

    /// Validates `adaptations` for weights of architecture `source` described by `descriptors`.
    public init(source: ResNetConfig, descriptors: [TensorDescriptor], adaptations: [Adaptation]) throws {
        self.source = source
        self.adaptations = adaptations
        var target = source
        var notes: [String] = []
        let classifier = source.classifierName
        let rows = source.numClasses
        var classifierChanged = false
        for adaptation in adaptations {
            switch adaptation {
            case .numClasses(let count, let rowInit, let seed):
                guard count >= 1, count <= AdaptationPlan.maxClasses else {
                    throw ArchError.invalidAdaptation(
                        "--num-classes must be between 1 and \(AdaptationPlan.maxClasses), got \(count)")
                }
                guard !classifierChanged else {
                    throw ArchError.invalidAdaptation("--num-classes and --classes cannot be combined")
                }
                classifierChanged = true
                target.numClasses = count
                if count < rows {
                    rowSelection = Array(0..<count)
                    notes.append("classifier \(classifier) cut from \(rows) to \(count) rows (the first \(count) kept)")
                } else if count > rows {
                    newRows = (count - rows, rowInit, seed)
                    let how = rowInit == .zeros
                        ? "zeros" : "uniform in ±1/sqrt(\(source.featureCount)), seed \(seed)"
                    notes.append("classifier \(classifier) extended from \(rows) to \(count) rows (\(count - rows) new rows: \(how))")
                }
            case .classes(let indices):
                guard !indices.isEmpty else { throw ArchError.invalidAdaptation("--classes lists no class index") }
                guard !classifierChanged else {
                    throw ArchError.invalidAdaptation("--num-classes and --classes cannot be combined")
                }
                classifierChanged = true
                if let bad = indices.first(where: { $0 < 0 || $0 >= rows }) {
                    throw ArchError.classIndexOutOfRange(index: bad, classes: rows)
                }
                rowSelection = indices
                target.numClasses = indices.count
                let shown = indices.prefix(12).map(String.init).joined(separator: ", ")
                let list = indices.count > 12 ? "\(shown), ... (\(indices.count) rows)" : shown
                notes.append("classifier \(classifier) rows \(list) selected from \(rows)")
            case .inChannels(let channels):
                guard channels >= 1, channels <= AdaptationPlan.maxInChannels else {
                    throw ArchError.invalidAdaptation(
                        "--in-channels must be between 1 and \(AdaptationPlan.maxInChannels), got \(channels)")
                }
                let from = source.inChannels
                guard from >= 1 || channels == from else {
                    throw ArchError.invalidAdaptation("conv1 has no input channels to adapt from")
                }
                target.inChannels = channels
                if channels == from {
                    break
                } else if channels == 1 {
                    notes.append("conv1 summed over \(from) input channels into 1")
                } else {
                    notes.append("conv1 repeated cyclically from \(from) to \(channels) input channels, scaled by \(from)/\(channels)")
                }
            case .dtype(let dtype):
                guard dtype.isFloatingPoint, dtype != .float64 else {
                    throw ArchError.invalidAdaptation("--dtype must be f32, f16 or bf16, got \(dtype.shortName)")
                }
                outputDType = dtype
                let from = Set(descriptors.filter { $0.dtype.isFloatingPoint && $0.dtype != dtype }.map(\.dtype))
                if !from.isEmpty {
                    let names = from.map(\.shortName).sorted().joined(separator: ", ")
                    notes.append("floating tensors converted from \(names) to \(dtype.shortName)")
                }
            }
        }
        self.target = target
        self.notes = notes
    }

    /// The labels of the target's classifier rows, given the source's: rows kept keep their label (`--num-classes`
    /// cut, `--classes` in that order), new rows are `class_N` with N their index.
    public func labels(from source: [String]) -> [String] {
        if let rowSelection { return rowSelection.map { $0 < source.count ? source[$0] : "class_\($0)" } }
        if let newRows {
            return source + ClassLabels.generic(source.count..<(source.count + newRows.count))
        }
        return source
    }

    /// The descriptor of the tensor the plan makes from `descriptor`.
    public func descriptor(for descriptor: TensorDescriptor) -> TensorDescriptor {
        var result = descriptor
        if descriptor.name == classifierWeight, descriptor.shape.count == 2 {
            result.shape = [target.numClasses, descriptor.shape[1]]
        } else if descriptor.name == classifierBias, descriptor.shape.count == 1 {
            result.shape = [target.numClasses]
        } else if descriptor.name == source.stemWeightName, descriptor.shape.count == 4 {
            result.shape[1] = target.inChannels
        }
        if let outputDType, descriptor.dtype.isFloatingPoint { result.dtype = outputDType }
        return result
    }

    /// The adapted tensor for `tensor`, the source's tensor named `name`.
    public func apply(_ tensor: Tensor, name: String) throws -> Tensor {
        var result = tensor
        if name == classifierWeight || name == classifierBias {
            result = try adaptClassifier(tensor, isWeight: name == classifierWeight)
        } else if name == source.stemWeightName, tensor.shape.count == 4, tensor.shape[1] != target.inChannels {
            result = try adaptStem(tensor)
        }
        if let outputDType, result.dtype.isFloatingPoint, result.dtype != outputDType {
            result = try result.converted(to: outputDType)
        }
        return result
    }

    private var classifierWeight: String { source.classifierName + ".weight" }
    private var classifierBias: String { source.classifierName + ".bias" }

    private func adaptClassifier(_ tensor: Tensor, isWeight: Bool) throws -> Tensor {
        let rows = tensor.shape.first ?? 0
        let rowElements = tensor.shape.dropFirst().reduce(1, *)
        let rowBytes = rowElements * tensor.dtype.byteSize
        if let rowSelection {
            var bytes = [UInt8]()
            bytes.reserveCapacity(rowSelection.count * rowBytes)
            for row in rowSelection {
                guard row < rows else { throw ArchError.classIndexOutOfRange(index: row, classes: rows) }
                bytes += tensor.bytes[(row * rowBytes)..<((row + 1) * rowBytes)]
            }
            return try Tensor(dtype: tensor.dtype, shape: [rowSelection.count] + tensor.shape.dropFirst(), bytes: bytes)
        }
        guard let newRows else { return tensor }
        guard tensor.dtype.isFloatingPoint else {
            throw ArchError.invalidAdaptation("cannot add rows to a \(tensor.dtype.shortName) classifier")
        }
        let features = source.featureCount
        var values = [Float](repeating: 0, count: newRows.count * rowElements)
        if newRows.rowInit == .uniform {
            var generator = SplitMix64(seed: newRows.seed)
            if !isWeight {
                for _ in 0..<(newRows.count * features) { _ = generator.next() }
            }
            let bound = 1 / Double(features).squareRoot()
            for index in values.indices { values[index] = generator.uniform(bound: bound) }
        }
        let appended = try Tensor(floats: values, shape: [newRows.count] + tensor.shape.dropFirst(), dtype: tensor.dtype)
        return try Tensor(
            dtype: tensor.dtype, shape: [rows + newRows.count] + tensor.shape.dropFirst(),
            bytes: tensor.bytes + appended.bytes)
    }

    private func adaptStem(_ tensor: Tensor) throws -> Tensor {
        let (outChannels, from, height, width) = (tensor.shape[0], tensor.shape[1], tensor.shape[2], tensor.shape[3])
        let channels = target.inChannels
        guard from >= 1 else { throw ArchError.invalidAdaptation("conv1 has no input channels to adapt from") }
        let plane = height * width
        let values = tensor.floats()
        var result = [Float](repeating: 0, count: outChannels * channels * plane)
        if channels == 1 {
            for filter in 0..<outChannels {
                for position in 0..<plane {
                    var sum: Float = 0
                    for channel in 0..<from { sum += values[(filter * from + channel) * plane + position] }
                    result[filter * plane + position] = sum
                }
            }
        } else {
            let scale = Float(Double(from) / Double(channels))
            for filter in 0..<outChannels {
                for channel in 0..<channels {
                    let source = (filter * from + channel % from) * plane
                    let destination = (filter * channels + channel) * plane
                    for position in 0..<plane { result[destination + position] = values[source + position] * scale }
                }
            }
        }
        return try Tensor(floats: result, shape: [outChannels, channels, height, width], dtype: tensor.dtype)
    }
}
