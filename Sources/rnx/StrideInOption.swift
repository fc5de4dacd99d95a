import ArgumentParser
import RNXArch

/// `--stride-in`, shared by every command that maps a transformers model.
struct StrideInOption: ParsableArguments {
    @Option(name: .customLong("stride-in"), help: ArgumentHelp(
        "Where a transformers Bottleneck strides: 1x1 (ResNet v1) or 3x3 (v1.5); overrides config.json.",
        valueName: "1x1|3x3"))
    var value: StrideIn?
}

extension StrideIn: ExpressibleByArgument {}
