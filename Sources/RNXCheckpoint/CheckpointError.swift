import RNXPickle
import RNXTensor

/// Everything that can go wrong while reading or writing a checkpoint file.
///
/// Cases carry the offset, key or shape involved so the one-line message can say exactly what is wrong.
public enum CheckpointError: Error, Equatable, Sendable {
    /// The file does not exist or cannot be opened for reading.
    case cannotOpen(reason: String)
    /// Reading failed part way (not a format problem).
    case readFailed(reason: String)
    /// The file's first bytes match no format rnx reads.
    case unrecognizedFormat

    // NumPy `.npy` files (inputs and outputs of `rnx run` and `rnx validate`).
    /// The file does not start with `\x93NUMPY`.
    case npyBadMagic
    /// A format version other than 1.0, 2.0 or 3.0.
    case npyUnsupportedVersion(major: Int, minor: Int)
    /// The file ends before the header does.
    case npyTruncatedHeader(needed: Int, found: Int)
    /// The header is not the dict numpy writes (`{'descr': ..., 'fortran_order': ..., 'shape': (...), }`).
    case npyMalformedHeader(offset: Int, reason: String)
    /// An element type other than little-endian float32 (`<f4`) or float64 (`<f8`).
    case npyUnsupportedDType(String)
    /// A shape whose element or byte count overflows.
    case npyInvalidShape([Int])
    /// The data after the header is not exactly shape × element size bytes.
    case npyDataSizeMismatch(shape: [Int], expected: Int, found: Int)
    // safetensors and .rnw (offsets are absolute file offsets unless named data offsets)
    /// The file is shorter than the 8-byte header length.
    case safetensorsTooShort(size: Int)
    /// The header length field points past the end of the file.
    case safetensorsHeaderPastEnd(length: UInt64, fileSize: Int)
    /// The header length field is over the 100 MB limit safetensors itself enforces.
    case safetensorsHeaderTooLarge(length: UInt64, limit: Int)
    /// The header is not a JSON object (reason from the parser).
    case safetensorsHeaderInvalid(reason: String)
    /// The same key appears twice in the header (JSON parsers would silently keep one).
    case safetensorsDuplicateKey(String)
    /// A tensor entry (or `__metadata__`) is malformed.
    case safetensorsInvalidEntry(key: String, reason: String)
    /// A tensor's dtype code is not a safetensors dtype.
    case safetensorsUnknownDType(key: String, code: String)
    /// A tensor's byte span does not equal its dtype size times its element count.
    case safetensorsSpanMismatch(key: String, expected: Int, found: Int)
    /// A tensor starts before the previous one ends (data offset).
    case safetensorsOverlap(key: String, offset: Int)
    /// Bytes between two tensors belong to none (data offset where the hole starts).
    case safetensorsHole(key: String, offset: Int)
    /// A tensor ends past the end of the data section.
    case safetensorsPastEnd(key: String, end: Int, dataSize: Int)
    /// Bytes after the last tensor belong to none (data offset where they start).
    case safetensorsTrailingBytes(offset: Int, count: Int)
    /// The output file cannot be created.
    case cannotCreate(reason: String)
    /// Writing the output failed part way.
    case writeFailed(reason: String)
    /// The output exists and replacing it was not asked for (`--force`).
    case outputExists
    /// The output is this input file (the same file, perhaps through a hard or symbolic link); rnx never
    /// modifies its input.
    case outputIsInput(input: String)

    // MARK: zip archives

    /// libzip refused the archive or one of its entries (no end record, inconsistent headers, bad data, ...).
    case corruptZip(entry: String?, reason: String)
    /// An entry's data does not match the CRC-32 recorded for it.
    case crcMismatch(entry: String)
    /// An entry name that could escape a directory: `..` components, a leading `/`, backslashes, empty parts.
    case unsafeEntryName(String)
    /// An entry that is not inside the archive's folder (torch archives keep every record under one folder).
    case entryOutsidePrefix(entry: String, prefix: String)
    /// A record torch always writes is missing, e.g. `data.pkl` or `data/3`.
    case missingRecord(String)
    /// An entry larger than rnx accepts for its kind (a pickle over the pickle size limit).
    case recordTooLarge(entry: String, size: Int, limit: Int)
    /// The `byteorder` record says something other than `little` or `big`.
    case unsupportedByteOrder(String)

    // MARK: legacy files

    /// The file does not start with torch's legacy magic number.
    case badLegacyMagic
    /// The legacy protocol version is not 1001.
    case unsupportedLegacyProtocol(Int)
    /// A legacy storage record is cut short: its 8-byte count or data ends past the end of the file.
    case truncatedStorage(key: String, offset: Int, needed: Int, available: Int)
    /// The storage-key list names a key no tensor refers to, or is not a list of strings.
    case unknownStorageKey(String)
    /// A storage's element count in its record differs from the count declared in the pickle.
    case storageCountMismatch(key: String, declared: Int, found: Int)
    /// A legacy storage view (`view_metadata`), which torch has not written since 0.4.
    case unsupportedStorageView(key: String)
    /// Bytes after the last legacy storage record, which no storage accounts for (offset where they start).
    case legacyTrailingBytes(offset: Int, count: Int)

    // MARK: tar files (torch < 0.1.10)

    /// A tar header (or PAX record) that is malformed: no ustar magic, a bad checksum or number, ...
    case tarBadHeader(offset: Int, reason: String)
    /// A tar entry whose data runs past the end of the file.
    case tarTruncatedEntry(name: String, offset: Int, size: Int, available: Int)
    /// A tar entry name that is not a single path component (`/`, `\\`, `..`, `.`, empty, NUL).
    case tarUnsafeName(String)
    /// A tar entry that is not a regular file (directory, link, device, GNU long name).
    case tarUnsupportedEntry(name: String, type: String, offset: Int)
    /// Two tar entries of the same name (tar readers disagree on which one wins).
    case tarDuplicateEntry(String)
    /// A tar entry torch never writes (torch's are `sys_info`, `pickle`, `tensors`, `storages`).
    case tarUnexpectedEntry(String)
    /// A record inside the `tensors` or `storages` entry that is malformed (offset in the file).
    case tarBadRecord(entry: String, offset: Int, reason: String)

    // MARK: the torch layer over the pickle

    /// The pickle has a shape torch never writes (e.g. a malformed persistent id or rebuild call).
    case unexpectedPickle(reason: String, offset: Int)
    /// A tensor's bytes failed a check when read (CRC, storage size, view bounds); `reason` is that error's text.
    case tensorUnreadable(name: String, reason: String)
    /// The pickle's objects contain themselves: Python could build it, but no state dict is cyclic.
    case pickleCycle
    /// The pickle's objects, unfolded as a tree, exceed the limit: shared references doubling ("billion laughs").
    case pickleUnfoldsTooLarge(limit: Int)
    /// A storage class or dtype rnx has no tensor type for (complex, quantized, ...).
    case unsupportedStorageType(String)
    /// A storage's declared size in bytes differs from the bytes of its record.
    case storageSizeMismatch(key: String, declaredBytes: Int, recordBytes: Int)
    /// The same storage key is declared twice with different dtypes or sizes.
    case storageConflict(key: String)
    /// Negative or overflowing size, stride or offset, or a size and stride of different ranks.
    case invalidView(name: String, shape: [Int], stride: [Int], offset: Int)
    /// A view that reaches past the end of its storage.
    case viewOutOfBounds(name: String, shape: [Int], stride: [Int], offset: Int, storageElements: Int)
    /// A view repeating storage elements (zero strides) into more bytes than rnx will allocate for it.
    case viewTooLarge(name: String, shape: [Int], bytes: Int)
    /// A tensor torch can pickle that rnx does not convert (quantized, sparse, meta, nested, a subclass, ...):
    /// its key, what kind it is, and the rebuild function at `offset`.
    case unconvertedTensor(name: String, kind: String, function: String, offset: Int)
    /// SETITEM(S), APPEND(S) or BUILD applied to a tensor, which torch never writes.
    case tensorMutated(offset: Int)
    /// An object of a recorded class that is no module reconstruction (its state has no `_parameters` and
    /// `_modules`, or it was filled by SETITEM/APPEND), at the offset of the call that made it.
    case notAModule(className: String, offset: Int)
    /// No mapping of names to tensors anywhere in the checkpoint.
    case noStateDict(found: String)
    /// `--key` names no dict of tensors; `available` lists where the file has them (top-level keys, or paths).
    case keyNotFound(key: String, available: [String])
    /// Several dicts of tensors of different layouts are models (`netG` and `netD`): which one is for `--key`.
    case severalModels(paths: [String], tensorCounts: [Int])
    /// A state dict key that is not a string (rendered as Python would print it).
    case nonStringKey(String)
    /// Two tensors under the same name (after prefix stripping).
    case duplicateTensor(String)
    /// `rnx scan` (and `rnx inspect --globals`) found dangerous globals: `module.name (reason)` each.
    case dangerousGlobals([String])
    /// A pickle the scan found, at `location` (a record, entry or role), that breaks before its STOP opcode.
    case brokenPickle(location: String, error: PickleError)
    /// A record the scan found at `location` (an `.npy` member of an archive, ...) that cannot be read.
    case unreadableRecord(location: String, reason: String)
}

extension CheckpointError: RNXError {
    /// `.cannotOpen`, `.io`, `.cannotCreate` or `.usage` where those fit; every malformed or unsafe file is
    /// `.badData`, and refused globals found by `rnx inspect --globals` are `.checkFailed`.
    public var category: ErrorCategory {
        switch self {
        case .cannotOpen: .cannotOpen
        case .readFailed, .writeFailed: .io
        case .dangerousGlobals: .checkFailed
        case .cannotCreate, .outputExists: .cannotCreate
        case .outputIsInput, .keyNotFound, .severalModels: .usage
        default: .badData
        }
    }

    /// One line naming the problem and its offset, record, key or shape (the command line adds the file's name).
    public var description: String {
        switch self {
        case .cannotOpen(let reason): "cannot open: \(reason)"
        case .readFailed(let reason): "read failed: \(reason)"
        case .unrecognizedFormat: "not a PyTorch checkpoint or safetensors file (unrecognized format)"
        case .npyBadMagic: "not a NumPy .npy file (no \\x93NUMPY magic)"
        case .npyUnsupportedVersion(let major, let minor): "unsupported .npy format version \(major).\(minor)"
        case .npyTruncatedHeader(let needed, let found):
            ".npy header truncated: needs \(needed) bytes, file has \(found)"
        case .npyMalformedHeader(let offset, let reason): "malformed .npy header at offset \(offset): \(reason)"
        case .npyUnsupportedDType(let descr):
            "unsupported .npy dtype '\(descr)' (expected little-endian float32 '<f4' or float64 '<f8')"
        case .npyInvalidShape(let shape): "invalid .npy shape \(shape.shapeDescription) (element count overflows)"
        case .npyDataSizeMismatch(let shape, let expected, let found):
            ".npy data of shape \(shape.shapeDescription) needs \(expected) bytes, found \(found)"
        case .cannotCreate(let reason): "cannot create: \(reason)"
        case .writeFailed(let reason): "write failed: \(reason)"
        case .outputExists: "output exists (use --force to replace it)"
        case .outputIsInput(let input): "the output is the input \(input); rnx never modifies its input"
        case .safetensorsTooShort(let size):
            "safetensors: file of \(size) bytes is too short for the 8-byte header length"
        case .safetensorsHeaderPastEnd(let length, let fileSize):
            "safetensors: header length \(length) at offset 0 points past the end of the file (\(fileSize) bytes)"
        case .safetensorsHeaderTooLarge(let length, let limit):
            "safetensors: header length \(length) at offset 0 is over the limit of \(limit) bytes"
        case .safetensorsHeaderInvalid(let reason):
            "safetensors: header at offset 8 is not a JSON object: \(reason)"
        case .safetensorsDuplicateKey(let key):
            "safetensors: key '\(key)' appears twice in the header"
        case .safetensorsInvalidEntry(let key, let reason):
            "safetensors: entry '\(key)': \(reason)"
        case .safetensorsUnknownDType(let key, let code):
            "safetensors: tensor '\(key)': unknown dtype '\(code)'"
        case .safetensorsSpanMismatch(let key, let expected, let found):
            "safetensors: tensor '\(key)': dtype and shape need \(expected) bytes, data_offsets span \(found)"
        case .safetensorsOverlap(let key, let offset):
            "safetensors: tensor '\(key)' at data offset \(offset) overlaps the previous tensor"
        case .safetensorsHole(let key, let offset):
            "safetensors: hole at data offset \(offset): no tensor covers the bytes before '\(key)'"
        case .safetensorsPastEnd(let key, let end, let dataSize):
            "safetensors: tensor '\(key)' ends at data offset \(end), past the end of the data (\(dataSize) bytes)"
        case .safetensorsTrailingBytes(let offset, let count):
            "safetensors: \(count) trailing bytes at data offset \(offset) belong to no tensor"
        case .corruptZip(let entry, let reason):
            if let entry { "corrupt zip archive: entry '\(entry)': \(reason)" } else { "corrupt zip archive: \(reason)" }
        case .crcMismatch(let entry): "corrupt zip archive: entry '\(entry)' fails its CRC-32 check"
        case .unsafeEntryName(let name): "zip entry name '\(name)' is unsafe (absolute, '..', backslash or empty part)"
        case .entryOutsidePrefix(let entry, let prefix): "zip entry '\(entry)' is outside the archive folder '\(prefix)/'"
        case .missingRecord(let name): "torch archive has no '\(name)' record"
        case .recordTooLarge(let entry, let size, let limit):
            "record '\(entry)' is \(size) bytes, over the limit of \(limit)"
        case .unsupportedByteOrder(let value): "unsupported byteorder record '\(value)' (expected 'little' or 'big')"
        case .badLegacyMagic: "not a legacy torch checkpoint (wrong magic number)"
        case .unsupportedLegacyProtocol(let version): "unsupported legacy protocol version \(version) (expected 1001)"
        case .truncatedStorage(let key, let offset, let needed, let available):
            "storage '\(key)' at byte \(offset) needs \(needed) bytes, only \(available) present (truncated file)"
        case .unknownStorageKey(let key): "storage key list names '\(key)', which no tensor uses"
        case .storageCountMismatch(let key, let declared, let found):
            "storage '\(key)' declares \(declared) elements in the pickle but its record holds \(found)"
        case .unsupportedStorageView(let key): "storage '\(key)' is a legacy storage view (torch < 0.4), not supported"
        case .legacyTrailingBytes(let offset, let count):
            "\(count) trailing bytes at byte \(offset), after the last storage record, belong to no storage"
        case .tarBadHeader(let offset, let reason): "malformed tar header at byte \(offset): \(reason)"
        case .tarTruncatedEntry(let name, let offset, let size, let available):
            "tar entry '\(name)' at byte \(offset) declares \(size) bytes, only \(available) present (truncated file)"
        case .tarUnsafeName(let name): "tar entry name '\(name)' is unsafe (a path, '.', '..' or empty)"
        case .tarUnsupportedEntry(let name, let type, let offset):
            "tar entry '\(name)' at byte \(offset) is \(type), not a regular file"
        case .tarDuplicateEntry(let name): "tar entry '\(name)' appears twice"
        case .tarUnexpectedEntry(let name):
            "tar entry '\(name)' is not one torch writes (sys_info, pickle, tensors, storages)"
        case .tarBadRecord(let entry, let offset, let reason): "tar entry '\(entry)' at byte \(offset): \(reason)"
        case .unexpectedPickle(let reason, let offset): "unexpected pickle content at byte \(offset): \(reason)"
        case .tensorUnreadable(let name, let reason): "tensor \(name): \(reason)"
        case .pickleCycle:
            "the pickle's objects contain themselves (a reference cycle); no state dict or training checkpoint does"
        case .pickleUnfoldsTooLarge(let limit):
            "the pickle's objects unfold to more than \(limit) objects through shared references (a 'billion laughs')"
        case .unsupportedStorageType(let name): "unsupported storage type or dtype \(name)"
        case .storageSizeMismatch(let key, let declaredBytes, let recordBytes):
            "storage '\(key)' declares \(declaredBytes) bytes but its record holds \(recordBytes)"
        case .storageConflict(let key): "storage '\(key)' is declared twice with different dtypes or sizes"
        case .invalidView(let name, let shape, let stride, let offset):
            "tensor '\(name)': invalid view (shape \(shape.shapeDescription), stride \(stride.shapeDescription), "
                + "offset \(offset))"
        case .viewOutOfBounds(let name, let shape, let stride, let offset, let elements):
            "tensor '\(name)': shape \(shape.shapeDescription), stride \(stride.shapeDescription), offset \(offset) "
                + "reaches past the end of its storage of \(elements) elements"
        case .viewTooLarge(let name, let shape, let bytes):
            "tensor '\(name)': shape \(shape.shapeDescription) repeats its storage into \(bytes) bytes, more than rnx allocates"
        case .unconvertedTensor(let name, let kind, let function, let offset):
            "tensor '\(name)' is \(kind) (\(function) at byte \(offset)); rnx reads dense tensors only"
        case .tensorMutated(let offset): "pickle modifies a tensor at byte \(offset) (SETITEM/APPEND/BUILD), which torch never writes"
        case .notAModule(let className, let offset):
            "pickle builds an object of \(className) at byte \(offset) that is not a torch module "
                + "(no _parameters and _modules); rnx reads pickled modules' weights, nothing else"
        case .noStateDict(let found): "no state dict (a mapping of names to tensors) found; the file holds \(found)"
        case .keyNotFound(let key, let available):
            available.isEmpty
                ? "--key '\(key)': this file has no nested dicts of tensors to choose from"
                : "--key '\(key)': no dict of tensors there; the file has them under "
                    + available.prefix(8).map { "'\($0)'" }.joined(separator: ", ") + (available.count > 8 ? ", ..." : "")
        case .severalModels(let paths, let counts):
            "the checkpoint holds \(paths.count) different models: "
                + zip(paths, counts).map { "'\($0)' (\($1) tensors)" }.joined(separator: ", ")
                + "; choose one with --key"
        case .nonStringKey(let key): "state dict key \(key) is not a string"
        case .duplicateTensor(let name): "tensor name '\(name)' appears twice"
        case .dangerousGlobals(let names):
            "dangerous: pickle references \(names.count) dangerous global\(names.count == 1 ? "" : "s"): "
                + names.joined(separator: ", ")
        case .brokenPickle(let location, let error): "\(location): \(error.description)"
        case .unreadableRecord(let location, let reason): "\(location): \(reason)"
        }
    }
}
