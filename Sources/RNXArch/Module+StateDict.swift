import RNXTensor

/// The parameters and buffers a module tree holds, named as `state_dict()` names them.
extension Module {
    /// One expected state-dict entry.
    public struct Entry: Hashable, Sendable {
        /// Full dotted name, e.g. `layer1.0.bn1.running_var`.
        public var name: String
        /// The tensor's shape as torch stores it.
        public var shape: [Int]
        /// Parameters are trainable weights; buffers are BatchNorm running statistics and the batch counter.
        public var isParameter: Bool
        /// The dtype torch stores: int64 for `num_batches_tracked`, float for everything else.
        public var isInteger: Bool
    }

    /// Every entry of this module and its descendants, in `state_dict()` order.
    public func stateDictEntries(prefix: String = "") -> [Entry] {
        let base = prefix.isEmpty ? name : (name.isEmpty ? prefix : prefix + "." + name)
        func key(_ leaf: String) -> String { base.isEmpty ? leaf : base + "." + leaf }
        var entries: [Entry] = []
        switch kind {
        case .conv2d(let spec):
            entries.append(Entry(name: key("weight"), shape: spec.weightShape, isParameter: true, isInteger: false))
            if spec.bias {
                entries.append(Entry(name: key("bias"), shape: [spec.outChannels], isParameter: true, isInteger: false))
            }
        case .batchNorm2d(let channels):
            for leaf in ["weight", "bias"] {
                entries.append(Entry(name: key(leaf), shape: [channels], isParameter: true, isInteger: false))
            }
            for leaf in ["running_mean", "running_var"] {
                entries.append(Entry(name: key(leaf), shape: [channels], isParameter: false, isInteger: false))
            }
            entries.append(Entry(name: key("num_batches_tracked"), shape: [], isParameter: false, isInteger: true))
        case .linear(let inFeatures, let outFeatures):
            entries.append(Entry(name: key("weight"), shape: [outFeatures, inFeatures], isParameter: true, isInteger: false))
            entries.append(Entry(name: key("bias"), shape: [outFeatures], isParameter: true, isInteger: false))
        case .conv1d(let kernel, _):
            entries.append(Entry(name: key("weight"), shape: [1, 1, kernel], isParameter: true, isInteger: false))
        default:
            break
        }
        for child in children {
            entries.append(contentsOf: child.stateDictEntries(prefix: base))
        }
        return entries
    }

    /// Number of trainable parameters (elements), as torchinfo's "Total params" counts them.
    public var parameterCount: Int {
        stateDictEntries().filter(\.isParameter).reduce(0) { $0 + $1.shape.reduce(1, *) }
    }
}
