import Foundation
import RNXTestSupport
import Testing

/// `rnx convert` as a user runs it: what it prints, what it refuses, and that it leaves nothing behind on errors.
struct ConvertCommandTests {
    static let tiny = Fixtures.path("safetensors/cifar-tiny.safetensors")

    static func files(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test func convertsAndSaysWhatItDid() throws {
        let directory = try Fixtures.temporaryDirectory()
        let result = try RNXProcess.run(
            ["convert", Self.tiny, "out.rnw", "--num-classes", "12", "--fc-init", "zeros", "--dtype", "f32"],
            in: directory)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 8)
        #expect(Array(lines.prefix(7)) == [
            "converted \(Self.tiny) -> out.rnw",
            "architecture: custom (12 classes, 3 input channels)",
            "tensors: 44",  // the generator's state_dict has 44 entries
            "adaptations:",
            "  - classifier linear extended from 10 to 12 rows (2 new rows: zeros)",
            "  - floating tensors converted from f16 to f32",
            lines[6],
        ])
        #expect(lines[6].hasPrefix("output size: ") && lines[6].hasSuffix(" bytes"))
        #expect(lines[7].hasPrefix("data sha256: ") && lines[7].count == 13 + 64)
        let verify = try RNXProcess.run(["verify", "out.rnw"], in: directory)
        #expect(verify.status == 0, "\(verify)")
        #expect(try Self.files(directory) == ["out.rnw"])
    }

    @Test func existingOutputNeedsForce() throws {
        let directory = try Fixtures.temporaryDirectory()
        try Data("x".utf8).write(to: directory.appendingPathComponent("out.rnw"))
        let result = try RNXProcess.run(["convert", Self.tiny, "out.rnw"], in: directory)
        #expect(result.status == 73)
        #expect(result.stderr == "rnx: out.rnw: output exists (use --force to replace it)\n")
        #expect(result.stdout == "")
        let forced = try RNXProcess.run(["convert", Self.tiny, "out.rnw", "--force"], in: directory)
        #expect(forced.status == 0, "\(forced)")
        #expect(try Self.files(directory) == ["out.rnw"])
    }

    static let refusals: [([String], Int32, String)] = [
        (["mismatched.safetensors"], 65,
         "weights do not fit the architecture (3 problems): missing keys: linear.bias; unexpected keys: extra.weight; "
            + "layer2.0.conv2.weight: expected [32, 32, 3, 3], found [32, 16, 3, 3]"),
        (["deep-stem.safetensors"], 65,
         "not a supported ResNet layout: recognised classifier fc with 2 classes, Bottleneck stages [1, 1, 1, 1]; "
            + "not recognised: deep stem (conv1.0.weight [32, 3, 3, 3], but no conv1.6.weight)"),
        (["cifar-tiny.safetensors", "--classes", "5,3,10"], 64,
         "class index 10 is out of range: the classifier has 10 rows (0-9)"),
        (["cifar-tiny.safetensors", "--num-classes", "0"], 64, "--num-classes must be between 1 and 1000000, got 0"),
        // resnet20 has blocks 1 and 2 in each of 3 stages that the file lacks: 6 blocks x (2 convs + 2 BNs x 4
        // tensors) = 60 missing keys (num_batches_tracked is not reported), 8 listed.
        (["cifar-tiny.safetensors", "--arch", "resnet20"], 65,
         "weights do not fit the architecture (1 problem): missing keys: layer1.1.conv1.weight, layer1.1.bn1.weight, "
            + "layer1.1.bn1.bias, layer1.1.bn1.running_mean, layer1.1.bn1.running_var, layer1.1.conv2.weight, "
            + "layer1.1.bn2.weight, layer1.1.bn2.bias (and 52 more)"),
        (["cifar-tiny.safetensors", "--arch", "resnet19"], 64, "unknown architecture 'resnet19' (rnx archs lists the names)"),
        (["hostile/overlap.safetensors"], 65, "safetensors: tensor 'b' at data offset 4 overlaps the previous tensor"),
        (["hostile/duplicate-key.safetensors"], 65, "safetensors: key 'w' appears twice in the header"),
        (["hostile/hole.safetensors"], 65, "safetensors: hole at data offset 4: no tensor covers the bytes before 'b'"),
        (["hostile/trailing.safetensors"], 65, "safetensors: 3 trailing bytes at data offset 4 belong to no tensor"),
        (["hostile/span-mismatch.safetensors"], 65,
         "safetensors: tensor 'a': dtype and shape need 12 bytes, data_offsets span 8"),
        (["hostile/header-past-end.safetensors"], 65,
         "safetensors: header length 1000 at offset 0 points past the end of the file (15 bytes)"),
        (["hostile/header-too-large.safetensors"], 65,
         "safetensors: header length 100000001 at offset 0 is over the limit of 100000000 bytes"),
    ]

    @Test(arguments: refusals)
    func refusesAndWritesNothing(arguments: [String], status: Int32, message: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        let input = Fixtures.path("safetensors/" + arguments[0])
        let result = try RNXProcess.run(["convert", input, "out.rnw"] + arguments.dropFirst(), in: directory)
        #expect(result.status == status, "\(result)")
        #expect(result.stderr == "rnx: \(input): \(message)\n")
        #expect(try Self.files(directory) == [])
    }

    @Test func usageErrors() throws {
        let dtype = try RNXProcess.run(["convert", Self.tiny, "o.rnw", "--dtype", "f64"])
        #expect(dtype.status == 64)
        #expect(dtype.stderr.contains("--dtype must be f32, f16 or bf16, got 'f64'"))
        let seed = try RNXProcess.run(["convert", Self.tiny, "o.rnw", "--seed", "3"])
        #expect(seed.status == 64)
        #expect(seed.stderr.contains("--fc-init and --seed only apply with --num-classes"))
        let both = try RNXProcess.run(["convert", Self.tiny, "o.rnw", "--num-classes", "3", "--classes", "1"])
        #expect(both.status == 64)
        #expect(both.stderr.contains("--num-classes and --classes cannot be combined"))
        let classes = try RNXProcess.run(["convert", Self.tiny, "o.rnw", "--classes", "5,x"])
        #expect(classes.status == 64)
        #expect(classes.stderr == "rnx: --classes: item 2 'x' is not a class index\n")
    }

    @Test func missingInputCannotBeOpened() throws {
        let directory = try Fixtures.temporaryDirectory()
        let result = try RNXProcess.run(["convert", "/nonexistent/in.pth", "out.rnw"], in: directory)
        #expect(result.status == 66)
        #expect(result.stderr == "rnx: /nonexistent/in.pth: cannot open: No such file or directory\n")
        #expect(try Self.files(directory) == [])
    }

    @Test func helpTeaches() throws {
        let result = try RNXProcess.run(["convert", "--help"])
        #expect(result.status == 0)
        for text in ["--num-classes", "--classes", "--fc-init", "--seed", "--in-channels", "--dtype", "--arch", "--force",
                     "rnx convert resnet34-b627a593.pth resnet34.rnw"] {
            #expect(result.stdout.contains(text), "\(text)")
        }
    }
}
