import ArgumentParser
import CMalloc
import RNXCheckpoint
import RNXTensor

#if canImport(Glibc)
import Glibc
#endif

/// The `rnx` command: read, map, convert, summarise and run PyTorch ResNet weights without Python.
@main
struct RNXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rnx",
        abstract: "Read, convert, inspect and run PyTorch ResNet weights, natively and safely.",
        discussion: """
            rnx reads PyTorch checkpoints (.pth zip and legacy files, .pth.tar training checkpoints, safetensors) \
            with a restricted unpickler that never executes anything from the file.

            Exit status: 0 success, 1 a check did not pass, 64 usage error, 65 bad or unsafe data, \
            66 cannot open input, 73 cannot create output, 74 I/O error.
            """,
        version: RNXVersion.current,
        subcommands: [
            ArchsCommand.self,
            InspectCommand.self,
            ScanCommand.self,
            SummaryCommand.self,
            DiagramCommand.self,
            ConvertCommand.self,
            ExportCommand.self,
            VerifyCommand.self,
            RunCommand.self,
            ValidateCommand.self,
            BenchCommand.self,
            PredictCommand.self,
            PreprocessCommand.self,
        ]
    )

    static func main() {
        #if canImport(Glibc)
        // libzip converts every zip entry's DOS timestamp with mktime(3), and glibc re-reads the time zone file
        // for each call when TZ is unset: 932 stat calls, 4 ms, to open a resnet152 checkpoint. Naming the same
        // zone explicitly lets glibc keep it. Nothing rnx prints depends on the local time zone.
        if getenv("TZ") == nil { setenv("TZ", ":/etc/localtime", 0) }
        // Tensors are read one after another into fresh arrays of up to tens of MB. By default glibc maps each large
        // one anew and unmaps it when freed, so the kernel zeroes every page again (~3,000 page faults, 5 ms, to
        // read resnet152). Keeping blocks up to 32 MiB in the heap, and not trimming it below 64 MiB free, lets the
        // next tensor reuse the last one's pages. Peak memory is unchanged: it is still one tensor or two at a time.
        mallopt(M_MMAP_THRESHOLD, 32 << 20)
        mallopt(M_TRIM_THRESHOLD, 64 << 20)
        #endif
        // An interrupted write removes its temporary files and says so (the library leaves signals to its host).
        OutputFile.removeInterruptedOutputsOnSignal()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            ErrorReport.exit(with: error)
        }
    }
}
