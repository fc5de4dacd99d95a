import RNXTensor

/// Reading every tensor once, to check what the header and pickle alone cannot.
extension Checkpoint {
    /// Reads every tensor's bytes and discards them: zip CRC-32s, storage sizes against the bytes present and views
    /// inside their storages are all checked on the way. Memory stays at one tensor.
    ///
    /// - Returns: the number of tensor bytes read.
    /// - Throws: `CheckpointError.tensorUnreadable` naming the first tensor that fails and why.
    @discardableResult
    public func readEveryTensor() throws -> Int {
        var total = 0
        for (index, descriptor) in descriptors.enumerated() {
            do {
                total += try loadTensor(at: index).bytes.count
            } catch let error as RNXError {
                throw CheckpointError.tensorUnreadable(name: descriptor.name, reason: error.description)
            }
        }
        return total
    }
}
