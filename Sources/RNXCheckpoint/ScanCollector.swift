import RNXPickle
import RNXTensor

/// Finds every pickle of one file for `GlobalScan`, collecting each pickle's references and what could not be read.
///
/// Reads only what holds pickles: the first bytes, a zip archive's headers and `.pkl`/`.npy` records, the pickles
/// at the start of a legacy file (by windows that grow only while a pickle runs past them), a tar file's headers
/// and pickles, a `.npy` header and the pickle after it.
struct ScanCollector {
    let limits: PickleLimits
    let scanner: Unpickler
    var pickles: [GlobalScan.Pickle] = []
    var errors: [CheckpointError] = []

    /// The five pickles of torch's legacy format, by role.
    static let legacyRoles = ["magic number", "protocol version", "sys_info", "object", "storage keys"]
    /// The first window of a file read as a pickle stream.
    static let firstWindow = 1 << 20

    init(limits: PickleLimits) {
        self.limits = limits
        scanner = Unpickler(policy: .scanOnly, limits: limits)
    }

    /// Scans `file` and returns its container (see `GlobalScan.container`).
    mutating func scanFile(_ file: RandomAccessFile) -> String {
        do {
            let head = try file.read(offset: 0, count: min(TarArchive.blockSize, file.size))
            let prefix = { (count: Int) in try file.read(offset: 0, count: min(count, file.size)) }
            if head.starts(with: NumpyHeader.magic) {
                try npy(size: file.size, prefix: prefix, location: "array")
                return "npy"
            }
            if head.count == TarArchive.blockSize && head[257..<262].elementsEqual("ustar".utf8) {
                try tar(file)
                return "tar"
            }
            if head.starts(with: ZipScanDirectory.localSignature) || head.starts(with: ZipScanDirectory.endSignature) {
                try zip(file, end: try ZipScanDirectory.findEnd(file))
                return "zip"
            }
            if head.count >= 9 && head[8] == UInt8(ascii: "{"), (try? SafetensorsReader.read(path: file.path)) != nil {
                return "safetensors"
            }
            var kinds: [String] = []
            if Self.isLegacy(head) {
                try stream(size: file.size, start: 0, prefix: prefix, maxPickles: Self.legacyRoles.count) { index, _ in
                    Self.legacyRoles[index]
                }
                kinds.append("legacy")
            } else if try stream(size: file.size, start: 0, prefix: prefix, requirePickle: true, names: {
                $0 == 0 ? "pickle" : "pickle@\($1)"
            }) {
                kinds.append("pickle")
            }
            // A zip archive after a pickle: torch.load reads the pickle (the file does not start with PK), zip
            // readers the archive.
            if let end = try ZipScanDirectory.findEnd(file) {
                try zip(file, end: end)
                kinds.append("zip")
            }
            return kinds.isEmpty ? "none" : kinds.joined(separator: "+")
        } catch {
            errors.append(Self.failure(error, location: "file"))
            return "unreadable"
        }
    }

    /// torch's legacy files start with a pickle of its magic number: PROTO, then LONG1 of ten bytes.
    static func isLegacy(_ head: [UInt8]) -> Bool {
        head.count >= 14 && head[0] == 0x80 && head[1] <= 5 && head[2] == 0x8A && head[3] == 10
            && head[4..<14].elementsEqual(TorchLegacyReader.magic)
    }

    /// The error to record for a failure at `location`.
    static func failure(_ error: any Error, location: String) -> CheckpointError {
        switch error {
        case let error as CheckpointError: error
        case let error as PickleError: .brokenPickle(location: location, error: error)
        default: .readFailed(reason: "\(location): \(error)")
        }
    }

    // MARK: - Pickle streams

    /// Scans pickles back to back from `start` in a stream of `size` bytes whose first `n` bytes `prefix(n)`
    /// returns (it may return more). Pickles are read by windows that grow fourfold while one runs past them.
    /// A pickle that breaks is kept (with an error) when it is the first or referenced something; otherwise the
    /// rest of the stream is trailing data, noted on the last pickle. With `requirePickle`, a first pickle that
    /// breaks, does not start with PROTO and names nothing importable means the stream is no pickle at all: nothing
    /// is added and the result is false.
    @discardableResult
    mutating func stream(
        size: Int, start: Int, prefix: (Int) throws -> [UInt8], maxPickles: Int = .max, requirePickle: Bool = false,
        names: (_ index: Int, _ offset: Int) -> String
    ) throws -> Bool {
        var bytes = try prefix(min(size, max(Self.firstWindow, CheckedArithmetic.add(start, 4096) ?? size)))
        var position = start
        var index = 0
        while position < size && index < maxPickles {
            var scan = scanner.scan(bytes, from: position)
            while scan.end == nil, bytes.count < size, scan.error.map(TorchLegacyReader.isCutOff) == true,
                  bytes.count - position < limits.maxBytes {
                let grown = min(size, CheckedArithmetic.multiply(bytes.count, 4) ?? size,
                                CheckedArithmetic.add(position, limits.maxBytes) ?? size)
                bytes = try prefix(grown)
                scan = scanner.scan(bytes, from: position)
            }
            let location = names(index, position)
            if let end = scan.end {
                var notes: [String] = []
                if case .exceeds(let limit)? = scan.unfolding {
                    notes.append("its objects unfold to more than \(limit) objects through shared references "
                        + "(a 'billion laughs'); counted, not expanded")
                }
                pickles.append(GlobalScan.Pickle(location: location, references: scan.references, notes: notes))
                position = end
                index += 1
                continue
            }
            let error = scan.error ?? .missingStop(offset: position)
            if index == 0 && requirePickle && !Self.looksLikePickle(bytes, at: position, scan) { return false }
            if index == 0 || !scan.references.isEmpty {
                pickles.append(GlobalScan.Pickle(
                    location: location, references: scan.references,
                    notes: ["breaks at byte \(error.offset) before its STOP; Python acts on what comes before the break"]))
                errors.append(.brokenPickle(location: location, error: error))
            } else if !pickles.isEmpty {
                pickles[pickles.count - 1].notes.append(
                    "the \(size - position) bytes from byte \(position) are not a pickle (\(error.description)); "
                        + "they are not scanned")
            }
            break
        }
        return true
    }

    /// Whether a stream whose first pickle broke is a pickle nonetheless: it starts with PROTO, or named a global
    /// Python could import (a text file starting `import os` reads as INST of `mport os`, which no module is).
    static func looksLikePickle(_ bytes: [UInt8], at position: Int, _ scan: PickleScan) -> Bool {
        if position + 1 < bytes.count, bytes[position] == 0x80, bytes[position + 1] <= 5 { return true }
        return scan.references.contains { isDottedName($0.global.module) && isDottedName($0.global.name) }
    }

    static func isDottedName(_ text: String) -> Bool {
        !text.isEmpty && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            guard let first = part.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
            return part.unicodeScalars.allSatisfy(GlobalClass.isIdentifierScalar)
        }
    }

    // MARK: - Containers

    /// A `.npy` file or member: the pickle after the header when the dtype holds objects.
    mutating func npy(size: Int, prefix: (Int) throws -> [UInt8], location: String) throws {
        let (header, dataStart) = try NumpyHeader.read(size: size, prefix: prefix)
        guard header.hasObjects else { return }
        // np.load reads one pickle; what follows it is never read.
        try stream(size: size, start: dataStart, prefix: prefix, maxPickles: 1) { _, _ in location }
    }

    /// A torch tar checkpoint: the `sys_info` and `pickle` entries as streams, the records of `tensors` and
    /// `storages` by their binary layout.
    mutating func tar(_ file: RandomAccessFile) throws {
        let archive = try TorchTarReader.archive(path: file.path)
        for name in ["sys_info", "pickle"] {
            guard let entry = archive.entry(name) else { continue }
            do {
                let bytes = try TorchTarReader.whole(archive, entry, limits: limits)
                try stream(size: bytes.count, start: 0, prefix: { _ in bytes }) { $0 == 0 ? name : "\(name)@\($1)" }
            } catch {
                errors.append(Self.failure(error, location: name))
            }
        }
        do {
            for (name, result) in try TorchTarReader.recordPickles(archive, unpickler: scanner, limits: limits) {
                pickles.append(GlobalScan.Pickle(location: name, references: result.references, notes: []))
            }
        } catch {
            errors.append(Self.failure(error, location: "tensors and storages"))
        }
    }

    /// Every record of a zip archive that holds pickles: `.pkl` records (torch reads `data.pkl`, TorchScript
    /// `constants.pkl` too), and records whose data starts with numpy's magic (`np.load` reads every member of
    /// an `.npz` that does, whatever its name), in each view of the archive.
    mutating func zip(_ file: RandomAccessFile, end: (offset: Int, record: [UInt8])?) throws {
        let directory = try ZipScanDirectory(file: file, end: end)
        errors.append(contentsOf: directory.problems)
        for record in directory.records {
            let names = [record.name] + (record.localName.map { [$0] } ?? [])
            let isPickle = names.contains { $0.hasSuffix(".pkl") || $0.hasSuffix(".debug_pkl") }
            let location = record.view == "local header"
                ? "\(record.name) (local header at byte \(record.headerOffset))" : record.name
            do {
                let isNumpy = isPickle ? false : try startsLikeNumpy(file, record)
                guard isPickle || isNumpy else { continue }
                let bytes = try data(file, record)
                let first = pickles.count
                if bytes.starts(with: NumpyHeader.magic) {
                    try npy(size: bytes.count, prefix: { _ in bytes }, location: location)
                } else {
                    try stream(size: bytes.count, start: 0, prefix: { _ in bytes }) {
                        $0 == 0 ? location : "\(location)@\($1)"
                    }
                }
                if let localName = record.localName, first < pickles.count {
                    pickles[first].notes.append("its local header names it '\(localName)'")
                }
            } catch {
                errors.append(Self.failure(error, location: location))
            }
        }
    }

    /// Whether a record's data starts with numpy's magic (deflated records are inflated that far).
    func startsLikeNumpy(_ file: RandomAccessFile, _ record: ZipScanDirectory.Record) throws -> Bool {
        switch record.method {
        case 0: return record.head.starts(with: NumpyHeader.magic)
        case 8:
            let available = min(record.compressedSize ?? 4096, 4096, file.size - record.dataOffset)
            let input = try file.read(offset: record.dataOffset, count: available)
            guard case .inflated(let output, _) = Inflater.inflate(input[...], limit: 8, prefixOnly: true) else { return false }
            return output.starts(with: NumpyHeader.magic)
        default: return false
        }
    }

    /// A record's data, inflated if deflated, within the pickle size limit and deflate's largest ratio.
    func data(_ file: RandomAccessFile, _ record: ZipScanDirectory.Record) throws -> [UInt8] {
        let available = file.size - record.dataOffset
        switch record.method {
        case 0:
            guard let size = record.compressedSize else {
                throw CheckpointError.corruptZip(
                    entry: record.name, reason: "stored with a data descriptor that no central entry sizes")
            }
            guard size <= limits.maxBytes else {
                throw CheckpointError.recordTooLarge(entry: record.name, size: size, limit: limits.maxBytes)
            }
            return try file.read(offset: record.dataOffset, count: size)
        case 8:
            let inputSize = min(record.compressedSize ?? available, available)
            guard inputSize <= limits.maxBytes else {
                throw CheckpointError.recordTooLarge(entry: record.name, size: inputSize, limit: limits.maxBytes)
            }
            let input = try file.read(offset: record.dataOffset, count: inputSize)
            let limit = min(limits.maxBytes, max(1024, CheckedArithmetic.multiply(inputSize, ZipArchive.maxInflationRatio) ?? .max))
            switch Inflater.inflate(input[...], limit: limit) {
            case .inflated(let output, _): return output
            case .tooLarge:
                throw CheckpointError.corruptZip(
                    entry: record.name,
                    reason: "inflates past \(limit) bytes (the pickle size limit, or deflate's 1032:1 ratio): a compression bomb")
            case .corrupt(let reason):
                throw CheckpointError.corruptZip(entry: record.name, reason: "deflate data: \(reason)")
            }
        default:
            throw CheckpointError.corruptZip(
                entry: record.name, reason: "compression method \(record.method) (rnx inflates stored and deflate records)")
        }
    }
}
