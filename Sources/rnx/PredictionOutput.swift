import Foundation
import RNXImage
import RNXPredict
import RNXTensor

/// How `rnx predict` prints its results, image by image as they are ready.
final class PredictionOutput {
    enum Format { case text, json, csv }

    let format: Format
    let model: String
    let description: String
    let preset: Preprocessing.Preset
    let preprocessing: Preprocessing
    private var imagesPrinted = 0

    init(format: Format, model: String, description: String, preset: Preprocessing.Preset,
         preprocessing: Preprocessing) {
        self.format = format
        self.model = model
        self.description = description
        self.preset = preset
        self.preprocessing = preprocessing
    }

    func begin() {
        switch format {
        case .text:
            print("model: \(model) (\(description))")
            print("preprocessing: \(preprocessedName) \(preprocessing.summary)")
        case .json:
            print("{\"model\": \(model.jsonQuoted), \"preprocessing\": \(preprocessing.jsonDescription), \"images\": [",
                  terminator: "")
        case .csv:
            print("file,rank,index,label,probability")
        }
    }

    /// The preset's name, or `custom` when options changed it.
    private var preprocessedName: String {
        preprocessing == Preprocessing(preset: preset) ? "\(preset.rawValue):" : "custom:"
    }

    func image(file: String, predictions: [Prediction]) {
        switch format {
        case .text:
            print("\n\(file)")
            for (rank, p) in predictions.enumerated() {
                print("  \(String(rank + 1).leftPadded(to: 2))  \(String(format: "%.4f", p.probability))  "
                      + "\(String(p.index).leftPadded(to: 4))  \(p.label)")
            }
        case .json:
            let top = predictions.map {
                "{\"index\": \($0.index), \"label\": \($0.label.jsonQuoted), \"probability\": \($0.probability)}"
            }
            printJSONItem("{\"file\": \(file.jsonQuoted), \"top\": [\(top.joined(separator: ", "))]}")
        case .csv:
            for (rank, p) in predictions.enumerated() {
                print("\(Self.csvField(file)),\(rank + 1),\(p.index),\(Self.csvField(p.label)),\(p.probability)")
            }
        }
    }

    func failure(file: String, message: String) {
        if format == .json { printJSONItem("{\"file\": \(file.jsonQuoted), \"error\": \(message.jsonQuoted)}") }
    }

    func end() {
        if format == .json { print(imagesPrinted == 0 ? "]}" : "\n]}") }
    }

    private func printJSONItem(_ item: String) {
        print((imagesPrinted == 0 ? "\n  " : ",\n  ") + item, terminator: "")
        imagesPrinted += 1
    }

    /// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
