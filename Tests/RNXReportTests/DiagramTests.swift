import Foundation
import RNXArch
import RNXReport
import RNXTensor
import RNXTestSupport
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// An element of a parsed SVG, read with Foundation's XMLParser (which also proves the document well-formed).
final class SVGNode {
    let name: String
    let attributes: [String: String]
    var children: [SVGNode] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// The element's text content, as `XMLNode.stringValue` gives it.
    var stringValue: String? { text }

    func descendants(named name: String) -> [SVGNode] {
        var found: [SVGNode] = []
        func walk(_ node: SVGNode) {
            if node.name == name { found.append(node) }
            for child in node.children { walk(child) }
        }
        walk(self)
        return found
    }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var stack: [SVGNode] = []
        var root: SVGNode?

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let node = SVGNode(name: name, attributes: attributes)
            stack.last?.children.append(node)
            if root == nil { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let node = stack.removeLast()
            // Text of descendants belongs to the ancestors too.
            stack.last?.text += node.text
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }

    static func parse(_ svg: String) throws -> SVGNode {
        let parser = XMLParser(data: Data(svg.utf8))
        let delegate = Delegate()
        parser.delegate = delegate
        guard parser.parse(), let root = delegate.root else {
            throw ParseError(description: "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")")
        }
        return root
    }
}

/// `rnx diagram`'s SVGs: well-formed, one group per block with the right shortcut kind and shape, figures equal to
/// the summary's (which `SummaryReferenceTests` proves against torchinfo), deterministic, no overlapping text.
struct DiagramTests {
    /// Every layout rnx reads today, as named architectures (option-B CIFAR nets included).
    static let architectures = [
        "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_64x4d",
        "wide_resnet50_2", "resnet20", "resnet20-b", "resnet56", "resnet110", "resnet1202",
    ]

    static func svg(_ name: String, _ style: Diagram.Style, inputSize: String? = nil) throws -> String {
        var request = DiagramRequest()
        request.style = style
        request.inputSize = inputSize
        guard let config = ResNetConfig.named(name) else { throw ReportError.unknownArchitecture(name) }
        return try request.render(config: config, name: name)
    }

    static func parse(_ svg: String) throws -> SVGNode { try SVGNode.parse(svg) }

    static func elements(_ root: SVGNode, _ name: String) -> [SVGNode] { root.descendants(named: name) }

    static func attribute(_ element: SVGNode, _ name: String) -> String? { element.attributes[name] }

    static func groups(_ root: SVGNode, class name: String) -> [SVGNode] {
        elements(root, "g").filter { attribute($0, "class") == name }
    }

    /// The blocks as the paper style must show them, from arithmetic on the configuration: (name, shortcut, out).
    static func expectedBlocks(_ config: ResNetConfig, side: Int) -> [(String, String, String)] {
        var result: [(String, String, String)] = []
        var channels = config.stemChannels
        var size = config.family == .imagenet ? (side + 1) / 2 / 2 : side
        for (stage, count) in config.layers.enumerated() {
            if stage > 0 { size = (size + 1) / 2 }
            let out = config.planes(stage: stage) * config.block.expansion
            for index in 0..<count {
                let reshapes = index == 0 && (stage > 0 || channels != out)
                let kind = !reshapes ? "identity" : (config.shortcut == .zeroPad ? "zero-pad" : "projection")
                result.append(("layer\(stage + 1).\(index)", kind, "\(out)x\(size)x\(size)"))
                channels = out
            }
        }
        return result
    }

    @Test(arguments: architectures)
    func paperBlocksHaveTheirShortcutsAndShapes(_ name: String) throws {
        let config = try #require(ResNetConfig.named(name))
        let root = try Self.parse(try Self.svg(name, .paper))
        let blocks = Self.groups(root, class: "block")
        let expected = Self.expectedBlocks(config, side: config.family == .imagenet ? 224 : 32)
        // Drawn blocks stand for `data-repeat` blocks each, from `data-name` to `data-last`.
        var covered: [(String, String, String)] = []
        for block in blocks {
            let repeats = Int(Self.attribute(block, "data-repeat") ?? "1") ?? 0
            let start = try #require(expected.firstIndex { $0.0 == Self.attribute(block, "data-name") })
            for entry in expected[start..<(start + repeats)] { covered.append(entry) }
            let drawn = expected[start]
            #expect(Self.attribute(block, "data-shortcut") == drawn.1, "\(name) \(drawn.0)")
            #expect(Self.attribute(block, "data-out") == drawn.2, "\(name) \(drawn.0)")
            if repeats > 1 {
                #expect(Self.attribute(block, "data-last") == expected[start + repeats - 1].0)
            }
            #expect(Self.elements(block, "title").count == 1)
        }
        #expect(covered.map(\.0) == expected.map(\.0), "\(name): every block once, in order")
        for (stage, count) in config.layers.enumerated() {
            let drawn = blocks.filter { (Self.attribute($0, "data-name") ?? "").hasPrefix("layer\(stage + 1).") }
            #expect(drawn.count == (count > Diagram.foldLimit ? 2 : count), "\(name) layer\(stage + 1)")
        }
    }

    /// Each block's figures are the `rnx summary --depth 2` row of that block.
    @Test(arguments: ["resnet18", "resnet50", "resnext50_32x4d", "resnet20", "resnet20-b", "resnet110"])
    func blockFiguresAreTheSummarys(_ name: String) throws {
        let config = try #require(ResNetConfig.named(name))
        let input = SummaryInput(channels: 3, height: config.family == .imagenet ? 224 : 32,
                                 width: config.family == .imagenet ? 224 : 32)
        let trace = try ForwardTrace(config: config, input: input, architectureName: name)
        let table = try SummaryTable(trace: trace, style: .torchinfo, depth: 2)
        let rows = Dictionary(table.rows.map { ($0.call.path, $0) }, uniquingKeysWith: { a, _ in a })
        let root = try Self.parse(try Self.svg(name, .paper))
        for block in Self.groups(root, class: "block") {
            let path = try #require(Self.attribute(block, "data-name"))
            let row = try #require(rows[path])
            #expect(Self.attribute(block, "data-params") == String(row.parameters), "\(path)")
            #expect(Self.attribute(block, "data-mult-adds") == String(row.multAdds), "\(path)")
            let title = try #require(Self.elements(block, "title").first?.stringValue)
            #expect(title.contains("params \(row.parametersText)"), "\(title)")
            #expect(title.contains("mult-adds \(row.multAddsText)"), "\(title)")
            let shape = "[" + row.outputShape.map(String.init).joined(separator: ", ") + "]"
            #expect(title.contains("output \(shape)"), "\(title)")
        }
        let stages = Self.groups(try Self.parse(try Self.svg(name, .stages)), class: "stage")
        #expect(stages.count == config.layers.count)
        let depth1 = try SummaryTable(trace: trace, style: .torchinfo, depth: 1)
        for stage in stages {
            let row = try #require(depth1.rows.first { $0.call.path == Self.attribute(stage, "data-name") })
            #expect(Self.attribute(stage, "data-params") == String(row.parameters))
            #expect(Self.attribute(stage, "data-mult-adds") == String(row.multAdds))
        }
    }

    /// resnet18's layer2.0 by hand: conv1 128·64·3·3 = 73,728, conv2 128·128·3·3 = 147,456, downsample
    /// 128·64 = 8,192, three BatchNorms of 2·128; convolutions count once per 28×28 output pixel, BatchNorm once.
    @Test func resnet18Layer2BlockByHand() throws {
        let root = try Self.parse(try Self.svg("resnet18", .paper))
        let block = try #require(Self.groups(root, class: "block").first { Self.attribute($0, "data-name") == "layer2.0" })
        let convWeights: Int = 73_728 + 147_456 + 8_192
        let batchNorms: Int = 3 * 256
        let multAdds: Int = convWeights * 28 * 28 + batchNorms
        #expect(Self.attribute(block, "data-params") == String(convWeights + batchNorms))
        #expect(Self.attribute(block, "data-mult-adds") == String(multAdds))
        let labels = Self.elements(block, "text").compactMap(\.stringValue)
        #expect(labels == ["3×3 conv, 128, /2", "3×3 conv, 128"])
        let paths = Self.elements(block, "path").filter { Self.attribute($0, "stroke-dasharray") != nil }
        #expect(paths.count == 1, "the projection shortcut is dashed")
    }

    @Test func paperLabelsFollowThePaper() throws {
        let texts = Self.elements(try Self.parse(try Self.svg("resnet34", .paper)), "text").compactMap(\.stringValue)
        for label in ["7×7 conv, 64, /2", "pool, /2", "3×3 conv, 64", "3×3 conv, 128, /2", "3×3 conv, 512",
                      "avg pool", "fc 1000", "56×56", "28×28", "14×14", "7×7"] {
            #expect(texts.contains(label), "\(label)")
        }
        #expect(texts.filter { $0.hasPrefix("3×3 conv") }.count == 32)
        let grouped = Self.elements(try Self.parse(try Self.svg("resnext50_32x4d", .paper)), "text").compactMap(\.stringValue)
        #expect(grouped.contains("3×3 conv, 256, /2, 32 groups"))
    }

    @Test func inputSizeChangesTheShapes() throws {
        let root = try Self.parse(try Self.svg("resnet18", .paper, inputSize: "3x160x128"))
        let last = try #require(Self.groups(root, class: "block").last)
        #expect(Self.attribute(last, "data-out") == "512x5x4")
    }

    @Test(arguments: Diagram.Style.allCases)
    func wellFormedStandaloneAndDeterministic(_ style: Diagram.Style) throws {
        for name in Self.architectures {
            let svg = try Self.svg(name, style)
            #expect(try Self.svg(name, style) == svg, "\(name) \(style): same bytes twice")
            let root = try Self.parse(svg)
            #expect(root.name == "svg")
            #expect(Self.elements(root, "script").isEmpty)
            #expect(Self.elements(root, "image").isEmpty)
            #expect(!svg.contains("href"), "no external references")
            #expect(!svg.contains("@import") && !svg.contains("url("), "no external fonts")
        }
    }

    /// No two texts overlap and all lie inside the canvas, at the widths DejaVu Sans (the widest candidate font)
    /// gives them — resnet1202's 600 blocks included.
    @Test(arguments: Diagram.Style.allCases)
    func textDoesNotOverlap(_ style: Diagram.Style) throws {
        for name in Self.architectures {
            try Self.expectNoOverlap(try Self.svg(name, style), "\(name) \(style)")
        }
    }

    /// Expects every text of `svg` inside the canvas and no two overlapping.
    static func expectNoOverlap(_ svg: String, _ what: String) throws {
        let root = try Self.parse(svg)
        let width = Double(Self.attribute(root, "width") ?? "") ?? 0
        let height = Double(Self.attribute(root, "height") ?? "") ?? 0
        typealias Box = (minX: Double, minY: Double, maxX: Double, maxY: Double)
        var boxes: [(String, Box)] = []
        for text in Self.elements(root, "text") {
            let content = text.stringValue ?? ""
            let anchor = TextMetrics.Anchor(rawValue: Self.attribute(text, "text-anchor") ?? "start") ?? .start
            let box = TextMetrics.bounds(
                content, x: Double(Self.attribute(text, "x") ?? "") ?? .nan,
                y: Double(Self.attribute(text, "y") ?? "") ?? .nan,
                size: Double(Self.attribute(text, "font-size") ?? "") ?? .nan, anchor: anchor,
                bold: Self.attribute(text, "font-weight") == "bold")
            #expect(box.minX >= 0 && box.minY >= 0 && box.maxX <= width && box.maxY <= height,
                    "\(what): '\(content)' outside the canvas")
            boxes.append((content, box))
        }
        #expect(!boxes.isEmpty)
        // Sorted by top edge, each box is compared with those that start above its bottom.
        boxes.sort { $0.1.minY < $1.1.minY }
        for i in boxes.indices {
            var j = i + 1
            while j < boxes.count && boxes[j].1.minY < boxes[i].1.maxY {
                let a = boxes[i].1, b = boxes[j].1
                let overlaps = a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY
                #expect(!overlaps, "\(what): '\(boxes[i].0)' overlaps '\(boxes[j].0)'")
                j += 1
            }
        }
    }

    /// A file's adaptations are marked and named; its tensors that do not fit are drawn in red with their names.
    @Test func fileAdaptationsAndMisfits() throws {
        var config = try #require(ResNetConfig.named("resnet18"))
        config.numClasses = 10
        config.inChannels = 1
        var descriptors = config.moduleTree.stateDictEntries().map {
            TensorDescriptor(name: $0.name, dtype: $0.isInteger ? .int64 : .float32, shape: $0.shape)
        }
        descriptors = descriptors.map { d in
            d.name == "layer3.1.conv1.weight" ? TensorDescriptor(name: d.name, dtype: d.dtype, shape: [256, 128, 3, 3]) : d
        }
        descriptors.append(TensorDescriptor(name: "layer3.1.bn2.extra", dtype: .float32, shape: [3]))
        for style in Diagram.Style.allCases {
            var request = DiagramRequest()
            request.style = style
            let svg = try request.render(descriptors: descriptors, source: "gray10.pth")
            try Self.expectNoOverlap(svg, "gray10.pth \(style)")
            let root = try Self.parse(svg)
            let texts = Self.elements(root, "text").compactMap(\.stringValue)
            #expect(texts.first == "resnet18 in gray10.pth")
            #expect(texts.contains { $0.contains("conv1 takes 1 channel (resnet18: 3)") }, "\(style)")
            #expect(texts.contains { $0.contains("fc 10 (resnet18 has 1000 classes)") }, "\(style)")
            let red = Self.elements(root, "text").filter { Self.attribute($0, "fill") == "#c62828" }
                .compactMap(\.stringValue)
            #expect(red.contains { $0.contains("layer3.1.conv1.weight f32 [256, 128, 3, 3] (expected [256, 256, 3, 3])") })
            #expect(red.contains { $0.contains("layer3.1.bn2.extra") })
            if style == .paper {
                let layers = Self.groups(root, class: "layer")
                #expect(layers.filter { Self.attribute($0, "data-adapted") == "true" }.compactMap {
                    Self.attribute($0, "data-name") } == ["conv1", "fc"])
                let block = try #require(Self.groups(root, class: "block").first {
                    Self.attribute($0, "data-name") == "layer3.1" })
                #expect(Self.attribute(block, "data-unfit") == "layer3.1.bn2.extra layer3.1.conv1.weight")
                let box = try #require(Self.elements(block, "rect").first)
                #expect(Self.attribute(box, "stroke") == "#c62828")
            }
        }
    }

    @Test func svgTextIsEscaped() throws {
        var config = try #require(ResNetConfig.named("resnet20"))
        config.numClasses = 10
        let descriptors = config.moduleTree.stateDictEntries().map {
            TensorDescriptor(name: $0.name, dtype: .float32, shape: $0.shape)
        } + [TensorDescriptor(name: "a<b>&\"c'\u{1}", dtype: .float32, shape: [1])]
        let svg = try DiagramRequest().render(descriptors: descriptors, source: "x&<y>.pth")
        let root = try Self.parse(svg)
        let texts = Self.elements(root, "text").compactMap(\.stringValue)
        #expect(texts.first == "resnet20 in x&<y>.pth")
        #expect(texts.contains { $0.contains("a<b>&\"c'") })
    }

    /// The committed golden files, reviewed by eye as PNGs (`make diagram-golden` is not needed: regenerate with
    /// `rnx diagram NAME --style STYLE -o fixtures/diagram/NAME-STYLE.svg --force` and look at the change).
    @Test(arguments: [("resnet18", Diagram.Style.paper), ("resnet20", .paper), ("resnet50", .blocks), ("resnet18", .stages)])
    func goldenFiles(_ name: String, _ style: Diagram.Style) throws {
        let golden = String(decoding: try Fixtures.data("diagram/\(name)-\(style.rawValue).svg"), as: UTF8.self)
        #expect(try Self.svg(name, style) == golden)
    }

    /// librsvg (`rsvg-convert`, Debian librsvg2-bin, installed by scripts/ensure-deps.sh) renders every diagram.
    @Test(arguments: Diagram.Style.allCases)
    func rsvgRendersThem(_ style: Diagram.Style) throws {
        let tool = try #require(
            ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "rsvg-convert is missing: scripts/ensure-deps.sh installs librsvg2-bin")
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["resnet18", "resnet50", "resnext50_32x4d", "resnet20", "resnet1202"] {
            let svgURL = directory.appendingPathComponent("\(name).svg")
            let pngURL = directory.appendingPathComponent("\(name).png")
            try Data(try Self.svg(name, style).utf8).write(to: svgURL)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = [svgURL.path, "-o", pngURL.path]
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0 && stderr.isEmpty, "\(name) \(style): \(stderr)")
            let png = try Data(contentsOf: pngURL)
            #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(name) \(style)")
        }
    }
}
