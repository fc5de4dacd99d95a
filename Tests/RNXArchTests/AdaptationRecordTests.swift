import RNXArch
import RNXTensor
import Testing

/// The machine-readable record of adaptations that `.rnw` metadata keeps (`adaptation_spec`).
struct AdaptationRecordTests {
    @Test func recordReadsBackExactly() throws {
        let adaptations: [Adaptation] = [
            .numClasses(10, rowInit: .zeros, seed: UInt64.max), .classes([5, 3, 999]), .inChannels(1),
            .dtype(.bfloat16),
        ]
        let record = Adaptation.record(adaptations)
        #expect(record == #"[{"num_classes": 10, "row_init": "zeros", "seed": 18446744073709551615}, {"classes": [5, 3, 999]}, {"in_channels": 1}, {"dtype": "bf16"}]"#)
        #expect(try Adaptation.parseRecord(record) == adaptations)
        #expect(try Adaptation.parseRecord("[]") == [])
    }

    @Test(arguments: [
        ("{", "not JSON"),
        (#"{"in_channels": 1}"#, "not a JSON array"),
        ("[3]", "entry 0 is not an object"),
        (#"[{"in_channels": 1.5}]"#, "entry 0: 'in_channels' is not a non-negative integer"),
        (#"[{"in_channels": true}]"#, "entry 0: 'in_channels' is not a non-negative integer"),
        (#"[{"in_channels": -1}]"#, "entry 0: 'in_channels' is not a non-negative integer"),
        (#"[{"dtype": "i64"}]"#, "entry 0: unknown 'dtype'"),
        (#"[{"num_classes": 2, "row_init": "gauss", "seed": 0}]"#, "entry 0: unknown 'row_init'"),
        (#"[{"classes": [1, "2"]}]"#, "entry 0: a class index is not a non-negative integer"),
        (#"[{"in_channels": 1}, {"shell": "rm"}]"#, "entry 1 has keys shell, not an adaptation"),
    ])
    func malformedRecordsAreRefused(record: String, reason: String) {
        #expect(throws: ArchError.invalidAdaptationRecord(reason)) { try Adaptation.parseRecord(record) }
        #expect(ArchError.invalidAdaptationRecord(reason).description
            == "the recorded adaptations (metadata 'adaptation_spec') cannot be read: \(reason)")
    }
}
