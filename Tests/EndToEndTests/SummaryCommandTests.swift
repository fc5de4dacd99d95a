import Foundation
import RNXTestSupport
import Testing

/// `rnx summary` as a user runs it, against what torchinfo 1.8.0 and torchsummary 1.5.1 printed
/// (`fixtures/reference/`, `fixtures/summary/`).
struct SummaryCommandTests {
    private func reference(_ path: String) throws -> String {
        String(decoding: try Fixtures.data(path), as: UTF8.self)
    }

    /// torchinfo 1.8 prints `Total mult-adds (Units.GIGABYTES)`, a bug; rnx prints `(G)`. The only difference.
    private func intended(_ raw: String) -> String {
        raw.replacingOccurrences(of: "(Units.GIGABYTES)", with: "(G)")
            .replacingOccurrences(of: "(Units.MEGABYTES)", with: "(M)")
    }

    @Test func defaultIsTorchinfoWithMultAdds() throws {
        let result = try RNXProcess.run(["summary", "resnet18"])
        #expect(result.status == 0, "\(result)")
        // The shared reference file was saved without print()'s final newline.
        #expect(result.stdout == intended(try reference("reference/resnet18.torchinfo-macs.txt")) + "\n")
        #expect(result.stderr.isEmpty)
    }

    @Test(arguments: ["resnet18", "resnet50"])
    func torchsummaryStyle(_ name: String) throws {
        let result = try RNXProcess.run(["summary", name, "--style", "torchsummary"])
        #expect(result.status == 0, "\(result)")
        let expected = try reference("reference/\(name).torchsummary.txt")
        #expect(result.stdout == (expected.hasSuffix("\n") ? expected : expected + "\n"))
    }

    @Test func optionsReachTheTable() throws {
        let result = try RNXProcess.run([
            "summary", "resnet50", "--input-size", "160x128", "--style", "torchsummary",
        ])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == (try reference("summary/resnet50.160x128.torchsummary.txt")))
        let batch = try RNXProcess.run(["summary", "resnet18", "--batch-size", "4"])
        #expect(batch.stdout == intended(try reference("summary/resnet18.batch4.torchinfo.txt")))
        let channels = try RNXProcess.run(["summary", "resnet20", "--in-channels", "1"])
        #expect(channels.stdout == intended(try reference("summary/resnet20.in1.torchinfo.txt")))
        let classes = try RNXProcess.run(["summary", "resnet18", "--num-classes", "10", "--style", "torchsummary"])
        #expect(classes.stdout == (try reference("summary/resnet18.classes10.torchsummary.txt")))
        let depth = try RNXProcess.run(["summary", "resnet50", "--depth", "2"])
        #expect(depth.stdout == intended(try reference("summary/resnet50.depth2.torchinfo.txt")))
    }

    @Test func jsonParses() throws {
        let result = try RNXProcess.run(["summary", "resnet20-b", "--format", "json", "--columns"])
        #expect(result.status == 0, "\(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        // The total torchinfo printed for resnet20-b (fixtures/summary/resnet20-b.torchinfo.txt).
        let footer = try reference("summary/resnet20-b.torchinfo.txt").split(separator: "\n")
            .first { $0.hasPrefix("Total params: ") }
        let total = Int(try #require(footer).dropFirst("Total params: ".count).replacingOccurrences(of: ",", with: ""))
        #expect(object["total_params"] as? Int == total)
    }

    @Test func flopsAndColumns() throws {
        let result = try RNXProcess.run(["summary", "resnet18", "--flops", "--columns"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\nTotal mult-adds (G): 1.81\nTotal FLOPs (G): 3.63\n"))
        #expect(result.stdout.contains("Receptive Field"))
    }

    @Test func errors() throws {
        let cases: [([String], String)] = [
            (["summary", "resnet19"], "rnx: 'resnet19' is neither a named architecture (see rnx archs) nor a file"),
            (["summary", "resnet18", "--input-size", "3x"],
             "rnx: --input-size must be CxHxW or HxW with positive numbers, e.g. 3x224x224, not '3x'"),
            (["summary", "resnet18", "--depth=-1"], "rnx: --depth must be 0 or more, not -1"),
            (["summary", "resnet18", "--batch-size", "0"], "rnx: --batch-size must be 1 or more, not 0"),
            (["summary", "resnet18", "--input-size", "1x224x224", "--in-channels", "3"],
             "rnx: the input has 1 channels but the model's conv1 takes 3"),
            (["summary", "resnet20", "--input-size", "32x40"],
             "rnx: input 3x32x40 does not fit resnet20: its last stage is 8x10 and F.avg_pool2d(out, out.size(3)) "
                + "pools it with a 10x10 window, so the classifier gets one row of features only for an input "
                + "height from 37 to 76 at this width"),
            (["summary", "resnet18", "--batch-size", "4611686018427387903"],
             "rnx: sizes overflow 64-bit integers at conv1"),
        ]
        for (arguments, line) in cases {
            let result = try RNXProcess.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr == line + "\n", "\(arguments)")
            #expect(result.stdout.isEmpty)
        }
    }

    /// A float32 checkpoint of resnet20 (torch zip, legacy, training tar) summarises exactly as torchinfo and
    /// torchsummary summarise the model built by name.
    @Test func checkpointOfANamedNet() throws {
        for file in ["resnet20-cifar10.pth", "resnet20-cifar10-legacy.pth", "resnet20-training.pth.tar"] {
            let result = try RNXProcess.run(["summary", Fixtures.path("checkpoints/" + file)])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == intended(try reference("summary/resnet20.torchinfo.txt")), "\(file)")
        }
        let result = try RNXProcess.run([
            "summary", Fixtures.path("checkpoints/resnet20-cifar10.pth"), "--style", "torchsummary",
        ])
        #expect(result.stdout == (try reference("summary/resnet20.torchsummary.txt")))
    }

    /// fixtures/safetensors/mismatched.safetensors is cifar-tiny with layer2.0.conv2.weight [32, 16, 3, 3], no
    /// linear.bias and an extra key `extra.weight` (float16 [3]), as scripts/fixtures/gen_safetensors.py writes it.
    @Test func fileListsTensorsThatDoNotFit() throws {
        let result = try RNXProcess.run(["summary", Fixtures.path("safetensors/mismatched.safetensors")])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasSuffix("""
            ===================================================================================================================

            Tensors that do not fit the architecture (2):
              extra.weight f16 [3] (not in the architecture)
              layer2.0.conv2.weight f16 [32, 16, 3, 3] (expected [32, 32, 3, 3])

            Tensors of the architecture missing from the file (1):
              linear.bias

            """))
    }

    @Test func fileErrors() throws {
        let deepStem = Fixtures.path("safetensors/deep-stem.safetensors")
        let result = try RNXProcess.run(["summary", deepStem])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("rnx: \(deepStem): not a supported ResNet layout: "), "\(result)")
        let readme = Fixtures.path("reference/README.md")
        let notCheckpoint = try RNXProcess.run(["summary", readme])
        #expect(notCheckpoint.status == 65)
        #expect(notCheckpoint.stderr == "rnx: \(readme): not a PyTorch checkpoint or safetensors file (unrecognized format)\n")
        let missing = try RNXProcess.run(["summary", "no-such-file.pth"])
        #expect(missing.status == 64)
        #expect(missing.stderr == "rnx: 'no-such-file.pth' is neither a named architecture (see rnx archs) nor a file\n")
    }

    @Test func helpTeaches() throws {
        let result = try RNXProcess.run(["summary", "--help"])
        #expect(result.status == 0)
        for option in ["--style", "--input-size", "--batch-size", "--num-classes", "--in-channels", "--depth",
                       "--format", "--columns", "--flops", "rnx summary resnet50"] {
            #expect(result.stdout.contains(option), "\(option)")
        }
    }
}
