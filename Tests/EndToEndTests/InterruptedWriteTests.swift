import Foundation
import RNXTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Interrupting a write (SIGINT, SIGTERM, SIGKILL) or filling the disk leaves the output folder exactly as it was:
/// no partial file, no hidden temporary file, and an existing output that `--force` would replace unchanged.
///
/// The model is a resnet152-sized safetensors file (torchvision's 932 state-dict entries, 241 MB of float32)
/// written here, outside the fixtures, so a conversion takes long enough to be caught while it writes.
/// `RNX_NO_O_TMPFILE=1` makes rnx use its fallback (a named hidden file, removed by the signal handler).
@Suite(.serialized)
struct InterruptedWriteTests {
    /// The synthetic resnet152 and the folder it is in (made once for the suite).
    static let model: URL = {
        let directory = try! Fixtures.temporaryDirectory()
        let url = directory.appendingPathComponent("resnet152.safetensors")
        try! SyntheticResNet152.write(to: url)
        return url
    }()

    /// An existing output that must survive: a small real `.rnw` (converted from a fixture).
    static func existingOutput(in directory: URL, name: String) throws -> Data {
        let tiny = Fixtures.path("safetensors/cifar-tiny.safetensors")
        let result = try RNXProcess.run(["convert", tiny, name], in: directory)
        #expect(result.status == 0, "\(result)")
        return try Data(contentsOf: directory.appendingPathComponent(name))
    }

    /// Every entry of `directory` (hidden ones too) and its bytes.
    static func snapshot(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            files[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        return files
    }

    /// Runs a system command (mount, umount); true if it succeeded.
    static func system(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    static let signalNames: [Int32: String] = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"]

    /// Starts `arguments` in `directory`, signals it once its output file is open there with `bytes` written,
    /// and checks how it ended. Returns the /proc name of the output file it had open.
    static func interrupt(
        _ arguments: [String], in directory: URL, output: String, with signal: Int32, bytes: Int,
        fallback: Bool, delay: useconds_t = 0
    ) throws -> String {
        let process = try RNXRunningProcess(
            arguments, in: directory, environment: fallback ? ["RNX_NO_O_TMPFILE": "1"] : [:])
        let open = process.waitForOutput(in: directory, bytes: bytes)
        if delay > 0 { usleep(delay) }
        process.send(signal)
        let outcome = process.wait()
        let target = try #require(open, "rnx never opened its output: \(outcome)")
        if signal == SIGKILL {
            #expect(outcome.signaled && outcome.status == SIGKILL, "\(outcome)")
        } else {
            #expect(!outcome.signaled && outcome.status == 128 + signal, "\(outcome)")
            #expect(
                outcome.stderr == "rnx: \(output): interrupted by \(signalNames[signal]!); the output was not written\n",
                "\(outcome)")
        }
        // Which mechanism wrote: an unnamed O_TMPFILE file, or the named fallback.
        let name = URL(fileURLWithPath: target).lastPathComponent
        if fallback {
            #expect(name.hasPrefix(".\(URL(fileURLWithPath: output).lastPathComponent).rnx-"), "\(target)")
        } else {
            #expect(name.hasPrefix("#") && target.hasSuffix(" (deleted)"), "\(target)")
        }
        return target
    }

    static let cases: [(Int32, Bool)] = [
        (SIGINT, false), (SIGTERM, false), (SIGHUP, false), (SIGKILL, false),
        (SIGINT, true), (SIGTERM, true), (SIGHUP, true),
    ]

    @Test(arguments: cases)
    func interruptedConvertLeavesNothing(signal: Int32, fallback: Bool) throws {
        let directory = try Fixtures.temporaryDirectory()
        // Removed even when an expectation fails (a conversion that was not stopped leaves 241 MB).
        defer { try? FileManager.default.removeItem(at: directory) }
        let keep = try Self.existingOutput(in: directory, name: "other.rnw")
        let before = try Self.snapshot(directory)
        // 4 MB in: the header is written and tensors are streaming.
        _ = try Self.interrupt(
            ["convert", Self.model.path, "out.rnw"], in: directory, output: "out.rnw", with: signal, bytes: 4 << 20,
            fallback: fallback)
        #expect(try Self.snapshot(directory) == before)
        #expect(try Self.snapshot(directory)["other.rnw"] == keep)
    }

    @Test(arguments: cases)
    func interruptedForcedConvertKeepsTheOldOutput(signal: Int32, fallback: Bool) throws {
        let directory = try Fixtures.temporaryDirectory()
        // Removed even when an expectation fails (a conversion that was not stopped leaves 241 MB).
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Self.existingOutput(in: directory, name: "out.rnw")
        let before = try Self.snapshot(directory)
        _ = try Self.interrupt(
            ["convert", Self.model.path, "out.rnw", "--force"], in: directory, output: "out.rnw", with: signal,
            bytes: 4 << 20, fallback: fallback)
        #expect(try Self.snapshot(directory) == before)
    }

    /// SIGKILL cannot be handled: with the named fallback the hidden file stays (the one case O_TMPFILE exists
    /// for), but the existing output is still whole.
    @Test func killedFallbackKeepsTheOldOutput() throws {
        let directory = try Fixtures.temporaryDirectory()
        let old = try Self.existingOutput(in: directory, name: "out.rnw")
        _ = try Self.interrupt(
            ["convert", Self.model.path, "out.rnw", "--force"], in: directory, output: "out.rnw", with: SIGKILL,
            bytes: 4 << 20, fallback: true)
        let after = try Self.snapshot(directory)
        #expect(after["out.rnw"] == old)
        #expect(after.keys.allSatisfy { $0 == "out.rnw" || $0.hasPrefix(".out.rnw.rnx-") }, "\(after.keys)")
    }

    /// Uninterrupted, the same conversion succeeds (so the interrupted runs were stopped mid-write, not refused).
    @Test func theLargeModelConverts() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }  // 241 MB
        let result = try RNXProcess.run(["convert", Self.model.path, "out.rnw"], in: directory)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("architecture: resnet152 (1000 classes, 3 input channels)"), "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.rnw"])
    }

    /// The synthetic model has torchvision's resnet152 entry count (fixtures/arch) and parameter count.
    @Test func syntheticModelIsResNet152() throws {
        let root = try JSONSerialization.jsonObject(with: Fixtures.data("arch/state-dicts.json")) as? [String: Any]
        let models = root?["models"] as? [String: [String: Any]]
        let entries = SyntheticResNet152.entries()
        #expect(entries.count == models?["resnet152"]?["count"] as? Int)
        let parameters = entries.filter { !$0.name.contains("running_") && !$0.name.hasSuffix("num_batches_tracked") }
        #expect(parameters.reduce(0) { $0 + $1.shape.reduce(1, *) } == 60_192_808)  // torchvision's figure
    }

    /// `rnx run` on a large batch opens its output before the forward pass; a signal during it leaves an
    /// existing output as it was and no other file.
    @Test(arguments: [(SIGINT, false), (SIGTERM, false), (SIGKILL, false), (SIGINT, true), (SIGTERM, true)])
    func interruptedRunKeepsTheOldOutput(signal: Int32, fallback: Bool) throws {
        let inputs = try Fixtures.temporaryDirectory()
        let input = inputs.appendingPathComponent("x.npy")
        try SyntheticResNet152.writeZeroBatch(to: input, shape: [2048, 3, 32, 32])
        let directory = try Fixtures.temporaryDirectory()
        let old = Data("an older y.npy".utf8)
        try old.write(to: directory.appendingPathComponent("y.npy"))
        let before = try Self.snapshot(directory)
        let model = Fixtures.path("checkpoints/resnet20-cifar10.pth")
        // The output is open (empty) from the start; 300 ms later the forward pass is under way.
        _ = try Self.interrupt(
            ["run", model, "--input", input.path, "--output", "y.npy"], in: directory, output: "y.npy",
            with: signal, bytes: 0, fallback: fallback, delay: 300_000)
        #expect(try Self.snapshot(directory) == before)
    }

    /// `rnx run --output` naming its input (here through a hard link) is refused before anything is written.
    @Test func runRefusesToReplaceItsInput() throws {
        let directory = try Fixtures.temporaryDirectory()
        let input = directory.appendingPathComponent("x.npy")
        try FileManager.default.copyItem(atPath: Fixtures.path("forward/input-cifar.npy"), toPath: input.path)
        try FileManager.default.linkItem(at: input, to: directory.appendingPathComponent("same.npy"))
        let before = try Self.snapshot(directory)
        let model = Fixtures.path("safetensors/cifar-tiny.safetensors")
        let result = try RNXProcess.run(["run", model, "--input", "x.npy", "--output", "same.npy"], in: directory)
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr == "rnx: same.npy: the output is the input x.npy; rnx never modifies its input\n")
        #expect(try Self.snapshot(directory) == before)
    }

    /// `convert --force` onto its input, by name, hard link or symbolic link: refused (64), nothing written.
    @Test func forcedConvertRefusesItsInput() throws {
        let directory = try Fixtures.temporaryDirectory()
        _ = try Self.existingOutput(in: directory, name: "in.rnw")
        try FileManager.default.linkItem(
            at: directory.appendingPathComponent("in.rnw"), to: directory.appendingPathComponent("hard.rnw"))
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("soft.rnw").path,
                                                   withDestinationPath: "in.rnw")
        let before = try Self.snapshot(directory)
        for output in ["in.rnw", "hard.rnw", "soft.rnw"] {
            let result = try RNXProcess.run(["convert", "in.rnw", output, "--force"], in: directory)
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr == "rnx: \(output): output \(output) is the input file; rnx never modifies its input\n")
            #expect(try Self.snapshot(directory) == before)
        }
    }

    /// A full disk (a 256 KiB tmpfs, mounted when the tests run as root) gives exit 74 and leaves nothing, with
    /// O_TMPFILE and with the fallback, for convert and run.
    @Test(arguments: [false, true])
    func fullDiskLeavesNothing(fallback: Bool) throws {
        guard getuid() == 0 else { return }  // mounting needs root; the CI container runs as root
        let directory = try Fixtures.temporaryDirectory()
        guard Self.system(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", directory.path]) else { return }
        defer { _ = Self.system(["umount", directory.path]) }
        let environment = fallback ? ["RNX_NO_O_TMPFILE": "1"] : [:]
        let model = Fixtures.path("checkpoints/resnet20-cifar10.pth")
        let convert = try RNXRunningProcess(["convert", model, "out.rnw"], in: directory, environment: environment)
            .wait()
        #expect(!convert.signaled && convert.status == 74, "\(convert)")
        #expect(convert.stderr == "rnx: \(model): writing out.rnw failed: No space left on device; nothing was written\n")
        #expect(try Self.snapshot(directory).isEmpty)
        // 2 x 40,000 logits are 320,000 bytes.
        let run = try RNXRunningProcess(
            ["run", Fixtures.path("safetensors/cifar-tiny.safetensors"), "--input",
             Fixtures.path("forward/input-cifar.npy"), "--output", "y.npy", "--num-classes", "40000"],
            in: directory, environment: environment
        ).wait()
        #expect(!run.signaled && run.status == 74, "\(run)")
        #expect(run.stderr == "rnx: y.npy: write failed: No space left on device\n")
        #expect(try Self.snapshot(directory).isEmpty)
    }
}

/// torchvision's resnet152 state dict, written as safetensors by hand (8-byte header length, JSON header, data)
/// so the test does not depend on rnx's writer; names and shapes follow torchvision's Bottleneck ResNet
/// ([3, 8, 36, 3] blocks), and the suite checks the entry count against torchvision's (fixtures/arch).
enum SyntheticResNet152 {
    static func entries() -> [(name: String, shape: [Int], dtype: String)] {
        var entries: [(String, [Int], String)] = []
        func batchNorm(_ prefix: String, _ channels: Int) {
            for field in ["weight", "bias", "running_mean", "running_var"] {
                entries.append(("\(prefix).\(field)", [channels], "F32"))
            }
            entries.append(("\(prefix).num_batches_tracked", [], "I64"))
        }
        entries.append(("conv1.weight", [64, 3, 7, 7], "F32"))
        batchNorm("bn1", 64)
        var inplanes = 64
        for (stage, (blocks, planes)) in zip([3, 8, 36, 3], [64, 128, 256, 512]).enumerated() {
            for block in 0..<blocks {
                let prefix = "layer\(stage + 1).\(block)"
                entries.append(("\(prefix).conv1.weight", [planes, inplanes, 1, 1], "F32"))
                batchNorm("\(prefix).bn1", planes)
                entries.append(("\(prefix).conv2.weight", [planes, planes, 3, 3], "F32"))
                batchNorm("\(prefix).bn2", planes)
                entries.append(("\(prefix).conv3.weight", [planes * 4, planes, 1, 1], "F32"))
                batchNorm("\(prefix).bn3", planes * 4)
                if block == 0 {
                    entries.append(("\(prefix).downsample.0.weight", [planes * 4, inplanes, 1, 1], "F32"))
                    batchNorm("\(prefix).downsample.1", planes * 4)
                }
                inplanes = planes * 4
            }
        }
        entries.append(("fc.weight", [1000, 2048], "F32"))
        entries.append(("fc.bias", [1000], "F32"))
        return entries
    }

    /// Writes the file; the data section is zeros (a sparse file, so writing 241 MB costs nothing).
    static func write(to url: URL) throws {
        var header = "{"
        var offset = 0
        for (index, entry) in entries().enumerated() {
            let size = entry.shape.reduce(1, *) * (entry.dtype == "I64" ? 8 : 4)
            let shape = entry.shape.map(String.init).joined(separator: ",")
            header += (index > 0 ? "," : "")
                + "\"\(entry.name)\":{\"dtype\":\"\(entry.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}"
            offset += size
        }
        header += "}"
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Data($0) }
        bytes.append(Data(header.utf8))
        try bytes.write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(bytes.count + offset))
        try handle.close()
    }

    /// A float32 .npy of zeros with `shape` (numpy's version-1 header; sparse data).
    static func writeZeroBatch(to url: URL, shape: [Int]) throws {
        var text = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", "))), }"
        text += String(repeating: " ", count: (64 - (10 + text.utf8.count + 1) % 64) % 64) + "\n"
        var bytes = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(text.utf8.count & 0xFF), UInt8(text.utf8.count >> 8)])
        bytes.append(Data(text.utf8))
        try bytes.write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(bytes.count + shape.reduce(1, *) * 4))
        try handle.close()
    }

}
