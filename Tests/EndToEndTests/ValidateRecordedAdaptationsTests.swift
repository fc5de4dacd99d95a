import Foundation
import RNXTestSupport
import Testing

/// `rnx validate OUT.rnw --against SOURCE` applies what the `.rnw` records of its conversion to the source, so a
/// converted file is checked without repeating convert's options.
struct ValidateRecordedAdaptationsTests {
    static let source = Fixtures.path("checkpoints/resnet20-cifar10.pth")

    func converted(_ options: [String]) throws -> String {
        let output = try Fixtures.temporaryDirectory().appendingPathComponent("out.rnw").path
        let result = try RNXProcess.run(["convert", Self.source, output] + options)
        #expect(result.status == 0, "\(result)")
        return output
    }

    func validate(_ arguments: [String]) throws -> (RNXProcess.Result, [String: Any]) {
        let result = try RNXProcess.run(["validate"] + arguments + ["--json"])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        return (result, object)
    }

    @Test(arguments: [["--num-classes", "4"], ["--classes", "7,2,5"], ["--in-channels", "1"],
                      ["--num-classes", "12", "--in-channels", "2"]])
    func recordedAdaptationsAreAppliedToTheSource(options: [String]) throws {
        let output = try converted(options)
        for arguments in [[output, "--against", Self.source], [Self.source, "--against", output]] {
            let (result, report) = try validate(arguments)
            #expect(result.status == 0, "\(result)")
            #expect(report["passed"] as? Bool == true)
            #expect(report["rtol"] as? Double == 1e-4)
            // Both sides now compute the same network from the same float32 weights.
            #expect(report["max_abs_error"] as? Double == 0, "\(result)")
            #expect((report["recorded_adaptations"] as? [String])?.isEmpty == false, "\(result)")
        }
        let text = try RNXProcess.run(["validate", output, "--against", Self.source])
        #expect(text.stdout.contains("adapted as the .rnw records: "), "\(text)")
    }

    /// A stored f16 is not re-applied: its rounding is what is measured, against f16's tolerance.
    @Test func storedDTypeIsComparedWithItsTolerance() throws {
        let output = try converted(["--num-classes", "4", "--dtype", "f16"])
        let (result, report) = try validate([output, "--against", Self.source])
        #expect(result.status == 0, "\(result)")
        #expect(report["rtol"] as? Double == 1e-2)
        #expect((report["max_abs_error"] as? Double).map { $0 > 0 } == true, "\(result)")
        let strict = try RNXProcess.run(["validate", output, "--against", Self.source, "--rtol", "0"])
        #expect(strict.status == 1, "\(strict)")
    }

    /// Options on the command line adapt both sides as before, and win over the record.
    @Test func explicitOptionsStillApplyToBoth() throws {
        let output = try converted(["--num-classes", "4"])
        let (result, report) = try validate([output, "--against", Self.source, "--num-classes", "4"])
        #expect(result.status == 0, "\(result)")
        #expect(report["recorded_adaptations"] == nil)
    }

    @Test func filesWithoutARecordCompareAsBefore() throws {
        let (result, report) = try validate([Self.source, "--against", Self.source])
        #expect(result.status == 0, "\(result)")
        #expect(report["recorded_adaptations"] == nil)
    }
}
