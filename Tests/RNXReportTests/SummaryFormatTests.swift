import Foundation
import RNXArch
import RNXReport
import RNXTestSupport
import Testing

/// JSON, CSV and Markdown carry the same rows and figures as the text.
struct SummaryFormatTests {
    private func table(_ name: String, style: SummaryTable.Style = .torchinfo) throws -> SummaryTable {
        let trace = try ForwardTrace(
            config: #require(ResNetConfig.named(name)), input: SummaryInput(channels: 3, height: 224, width: 224))
        return try SummaryTable(trace: trace, style: style)
    }

    @Test(arguments: SummaryTable.Style.allCases)
    func jsonRowsSumToTotals(_ style: SummaryTable.Style) throws {
        let table = try table("resnet18", style: style)
        let object = try JSONSerialization.jsonObject(with: Data(table.renderJSON(architecture: "resnet18").utf8))
        let json = try #require(object as? [String: Any])
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.count == (try referenceRowCount(style)))
        #expect(rows.compactMap { $0["params"] as? Int }.reduce(0, +) == 11_689_512)
        #expect(json["total_params"] as? Int == 11_689_512)
        #expect(json["total_mult_adds"] as? Int == 1_814_083_944)
        let first = try #require(rows.first { $0["name"] as? String == "conv1" })
        #expect(first["mult_adds"] as? Int == 118_013_952)
        #expect(first["kernel"] as? [Int] == [7, 7])
    }

    /// The rows torchinfo and torchsummary printed for resnet18 (between the second and third divider).
    private func referenceRowCount(_ style: SummaryTable.Style) throws -> Int {
        let file = style == .torchinfo ? "reference/resnet18.torchinfo-macs.txt" : "reference/resnet18.torchsummary.txt"
        let lines = String(decoding: try Fixtures.data(file), as: UTF8.self).split(separator: "\n")
        let dividers = lines.indices.filter { lines[$0].hasPrefix("===") }
        return style == .torchinfo ? dividers[2] - dividers[1] - 1 : dividers[1] - dividers[0] - 1
    }

    @Test func csvHasAHeaderAndARowPerLayer() throws {
        let csv = try table("resnet18").renderCSV()
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 1 + (try referenceRowCount(.torchinfo)))
        #expect(lines[0].hasPrefix("layer,type,name,depth,output_shape,params,mult_adds,"))
        #expect(lines[2] == "Conv2d: 1-1,Conv2d,conv1,1,1x64x112x112,9408,118013952,7,7,2,2,7,7,2,2")
    }

    @Test func markdownIsATable() throws {
        let markdown = try table("resnet18").renderMarkdown(.init(extraColumns: true))
        let lines = markdown.split(separator: "\n")
        #expect(lines[0] == "| Layer | Name | Output Shape | Param # | Mult-Adds | Kernel | Stride | Receptive Field | Jump |")
        // layer4's receptive field is 435 with jump 32 (SummaryArithmeticTests continues the recurrence to
        // layer2.0; layer2.1 adds 2*2*8 -> 99, layer3 (j 16) -> 99 + 16 + 32 + 64 = 211, layer4 (j 32) -> 211 + 32
        // + 64 + 128 = 435); the global 7x7 pool adds 6*32: 627, jump 7*32 = 224.
        #expect(lines[2] == "| ResNet |  | [1, 1000] | -- | -- | -- | -- | 627 | 224 |")
        #expect(markdown.contains("- Total params: 11,689,512\n"))
    }
}
