import RNXPickle
import RNXTensor

/// Every global every pickle of a file references, found by parsing them without building or calling anything.
///
/// This is `rnx scan` (and `rnx inspect --globals`). Unlike pattern-matching scanners it runs the real opcode
/// parser (`Unpickler.scan`), so STACK_GLOBAL names assembled from the memo are found, names computed at load
/// time are reported as such, and every use of a global (REDUCE, NEWOBJ, OBJ, BUILD, ...) is located. The file's
/// kind is read from its bytes, never its name, and every place a loader could find a pickle is scanned:
/// raw pickle streams (several back to back, trailing data allowed; joblib's plain pickles), torch zip
/// archives (any prefix, every `.pkl` record as the central directory and as the local headers describe it),
/// the legacy format (all five pickles), the tar format, `.npy` object arrays and `.npz` archives of them.
/// A pickle that breaks part way keeps what it referenced before the break.
public struct GlobalScan: Sendable {
    /// One pickle of the file and the globals it references, in file order.
    public struct Pickle: Sendable {
        /// Where the pickle is: a zip record (`archive/data.pkl`), a legacy pickle's role (`object`), a tar entry
        /// (`pickle`, `tensors#3`), `pickle` for a raw file, `array` for a `.npy` file; a later pickle of the
        /// same stream adds `@OFFSET`.
        public let location: String
        /// Offsets count from the start of the stream `location` names: the file for raw, legacy and `.npy`
        /// files, the (inflated) record for zip records, the entry's data for tar entries.
        public let references: [PickleScan.Reference]
        /// What else the scan noticed: trailing bytes, a billion laughs, a break after the references.
        public var notes: [String]
    }

    /// What holds the pickles: `pickle`, `zip`, `legacy`, `tar`, `npy`, `safetensors`, `none` (no pickle), or
    /// two joined by `+` (a pickle before a zip archive: torch reads the pickle, zip readers the archive).
    public let container: String
    public let pickles: [Pickle]
    /// Parts of the file that could not be read (each names its place); the rest was scanned.
    public let errors: [CheckpointError]
    /// The allowlist of the file's format (`allowed`).
    let allowlist: Set<GlobalName>

    /// How rnx rates `global` in this file.
    public func classify(_ global: GlobalName) -> GlobalClass { GlobalClass.of(global, allowlist: allowlist) }

    /// The file's verdict.
    public enum Verdict: String, Sendable {
        /// Nothing dangerous, everything read.
        case clean
        /// Something dangerous is referenced (even if part of the file could not be read).
        case dangerous
        /// Nothing dangerous in what could be read, but part of the file could not be.
        case unreadable
    }

    /// The file's verdict: dangerous wins over unreadable, which wins over clean.
    public var verdict: Verdict {
        if !dangerous.isEmpty { return .dangerous }
        return errors.isEmpty ? .clean : .unreadable
    }

    /// The dangerous references, with their pickle's location, in file order.
    public var dangerous: [(location: String, reference: PickleScan.Reference, class: GlobalClass)] {
        pickles.flatMap { pickle in
            pickle.references.compactMap { reference in
                let rating = classify(reference.global)
                return rating.rating == .dangerous ? (pickle.location, reference, rating) : nil
            }
        }
    }

    /// Scans the file at `path`. Nothing is thrown: a file that cannot be opened (`CheckpointError.cannotOpen`)
    /// and every part that cannot be read are in `errors`, and what could be read is scanned.
    public static func scan(path: String, limits: PickleLimits = .standard) -> GlobalScan {
        let file: RandomAccessFile
        do {
            file = try RandomAccessFile(path: path)
        } catch {
            return GlobalScan(container: "unreadable", pickles: [], errors: [ScanCollector.failure(error, location: "file")],
                              allowlist: TorchGlobals.allowlist)
        }
        var collector = ScanCollector(limits: limits)
        let container = collector.scanFile(file)
        return GlobalScan(container: container, pickles: collector.pickles, errors: collector.errors,
                          allowlist: container == "tar" ? TorchGlobals.tarAllowlist : TorchGlobals.allowlist)
    }
}
