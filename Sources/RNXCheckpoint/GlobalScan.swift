import RNXPickle
import RNXTensor

/// Every global the pickles of a checkpoint reference, found by parsing them without building or calling anything.
///
/// This is what `rnx inspect --globals` reports. Unlike pattern-matching scanners it runs the real opcode parser
/// (with `GlobalPolicy.scanOnly`), so STACK_GLOBAL names assembled from the memo are found too; and it works on
/// files the normal load refuses, including TorchScript archives (all their `.pkl` records are scanned).
public struct GlobalScan: Sendable {
    /// One pickle of the file and the globals it references, in order of appearance.
    public struct Pickle: Sendable {
        /// The record (`data.pkl`, `constants.pkl`) or, in legacy files, the pickle's role (`object`).
        public let name: String
        /// Every reference, with the offset of its opcode, in order of appearance.
        public let globals: [GlobalReference]
    }

    /// The container format, which decides the allowlist (``isAllowed(_:)``).
    public let format: CheckpointFormat
    /// Every pickle of the file, in file order.
    public let pickles: [Pickle]

    /// The references to globals outside the format's allowlist, in file order.
    public var refused: [GlobalReference] {
        pickles.flatMap(\.globals).filter { !isAllowed($0.global) }
    }

    /// Whether the format's reader admits `global`: `TorchGlobals.allowlist`, and in the tar format also its
    /// parameter, tensor and storage classes.
    public func isAllowed(_ global: GlobalName) -> Bool {
        format == .torchTar ? TorchGlobals.tarAllowlist.contains(global) : TorchGlobals.isAllowed(global)
    }

    /// Scans the file at `path`; structural errors (a broken zip or pickle) are thrown as by `Checkpoint.open`.
    public static func scan(path: String, limits: PickleLimits = .standard) throws -> GlobalScan {
        let scanner = Unpickler(policy: .scanOnly, limits: limits)
        switch try Checkpoint.sniff(path: path) {
        case .torchZip:
            let records = try TorchZipReader.records(path: path)
            var pickles: [Pickle] = []
            for entry in records.archive.entries where entry.name.hasSuffix(".pkl") || entry.name.hasSuffix(".debug_pkl") {
                try TorchZipReader.Records.check(entry, limit: limits.maxBytes)
                let result = try scanner.run(try records.archive.read(entry))
                pickles.append(Pickle(name: String(entry.name.dropFirst(records.prefix.count + 1)), globals: result.globals))
            }
            guard !pickles.isEmpty else { throw CheckpointError.missingRecord("data.pkl") }
            return GlobalScan(format: .torchZip, pickles: pickles)
        case .torchLegacy:
            let file = try RandomAccessFile(path: path)
            let run = { (bytes: [UInt8], start: Int) in try scanner.run(bytes, from: start) }
            let found = try TorchLegacyReader.readPickles(
                file, maxBytes: limits.maxBytes, checkShapes: false, runPlain: run, runMain: run)
            return GlobalScan(format: .torchLegacy, pickles: found.all.map { Pickle(name: $0.name, globals: $0.result.globals) })
        case .torchTar:
            let found = try TorchTarReader.pickles(path: path, unpickler: scanner, limits: limits)
            return GlobalScan(format: .torchTar, pickles: found.map { Pickle(name: $0.name, globals: $0.result.globals) })
        case .safetensors:
            _ = try SafetensorsReader.read(path: path)  // validates the header; safetensors holds no pickle
            return GlobalScan(format: .safetensors, pickles: [])
        }
    }
}
