import ArgumentParser
import RNXArch
import RNXImage
import RNXPredict

/// The options `rnx predict` and `rnx preprocess` share: decoding limits and torchvision's transforms.
struct PreprocessOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Transforms preset: imagenet (Resize 256, CenterCrop 224) or cifar (Resize 32, CenterCrop 32), both with "
            + "ImageNet's mean and std (default: from the model's family; imagenet for preprocess).",
        valueName: "imagenet|cifar"))
    var preset: String?

    @Option(help: ArgumentHelp("Resize the shorter side to N pixels (torchvision's Resize(N)).", valueName: "N"))
    var resize: Int?

    @Option(help: ArgumentHelp("Center-crop to N x N pixels (torchvision's CenterCrop(N)).", valueName: "N"))
    var crop: Int?

    @Option(help: ArgumentHelp("Resize filter, as PIL implements it (default bilinear, antialiased).",
                               valueName: "bilinear|bicubic|nearest"))
    var interpolation: String?

    @Option(help: ArgumentHelp("Normalize's channel means (default 0.485,0.456,0.406).", valueName: "R,G,B"))
    var mean: String?

    @Option(help: ArgumentHelp("Normalize's channel standard deviations (default 0.229,0.224,0.225).",
                               valueName: "R,G,B"))
    var std: String?

    @Option(name: .customLong("max-pixels"), help: ArgumentHelp(
        "Refuse images declaring more than N pixels before decoding them (default 89478485, PIL's "
            + "MAX_IMAGE_PIXELS): a decompression-bomb guard.", valueName: "N"))
    var maxPixels: Int?

    func validate() throws {
        if let preset, Preprocessing.Preset(rawValue: preset) == nil {
            throw ValidationError("--preset must be imagenet or cifar, got '\(preset)'")
        }
        if let interpolation, Interpolation(rawValue: interpolation) == nil {
            throw ValidationError("--interpolation must be bilinear, bicubic or nearest, got '\(interpolation)'")
        }
        if let maxPixels, maxPixels < 1 { throw ValidationError("--max-pixels must be at least 1") }
        for (name, text) in [("--mean", mean), ("--std", std)] {
            if let text, Self.triple(text) == nil {
                throw ValidationError("\(name) must be three numbers separated by commas, got '\(text)'")
            }
        }
    }

    /// The preset's name: `--preset`, else the family's (or imagenet without a model).
    func presetName(for config: ResNetConfig?) -> Preprocessing.Preset {
        if let preset, let value = Preprocessing.Preset(rawValue: preset) { return value }
        return config.map(Classifier.preset(for:)) ?? .imagenet
    }

    /// The preset with the explicit options applied over it, validated.
    func preprocessing(for config: ResNetConfig?) throws -> Preprocessing {
        var result = Preprocessing(preset: presetName(for: config))
        if let resize { result.resize = resize }
        if let crop { result.crop = crop }
        if let interpolation, let value = Interpolation(rawValue: interpolation) { result.interpolation = value }
        if let mean, let values = Self.triple(mean) { result.mean = values }
        if let std, let values = Self.triple(std) { result.std = values }
        try result.validate()
        return result
    }

    var decoder: ImageDecoder { ImageDecoder(maxPixels: maxPixels ?? ImageDecoder.defaultMaxPixels) }

    static func triple(_ text: String) -> [Float]? {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Float($0.trimmingCharacters(in: .whitespaces))
        }
        guard values.count == 3, values.allSatisfy({ $0 != nil }) else { return nil }
        return values.compactMap { $0 }
    }
}

import Foundation
