/// A layer table like torchinfo's (or torchsummary's), as data and rendered: what `rnx summary` prints.
///
/// It is computed from the architecture alone: no weights are read and nothing is run.
///
/// ```swift
/// let summary = try Summary(architecture: "resnet18")
/// for row in summary.rows { print(row.label, row.outputShape, row.parameters) }
/// print(summary.rendered())
/// ```
public struct Summary: Sendable {
    /// The table: rows with output shapes, parameters and mult-adds, and the totals.
    public let table: SummaryTable
    /// The architecture's name as the rendered table gives it.
    public let architectureName: String
    /// How the table was asked for (style, input size, depth, text options).
    public let request: SummaryRequest

    /// The summary of a named architecture (see ``/RNXArch/ResNetConfig/named``).
    ///
    /// - Parameters:
    ///   - name: the architecture, e.g. `resnet18`.
    ///   - request: style, input size, depth and text options; the default is torchinfo's table for one image.
    /// - Throws: ``/RNXReport/ReportError`` for an unknown name or an impossible request.
    public init(architecture name: String, request: SummaryRequest = SummaryRequest()) throws {
        guard let config = ResNetConfig.named(name) else { throw ReportError.unknownArchitecture(name) }
        architectureName = name.lowercased()
        table = try request.table(config: config, name: architectureName)
        self.request = request
    }

    /// The summary of the architecture detected in `checkpoint`, with the file's parameter sizes and the tensors
    /// that do not fit it.
    ///
    /// - Parameters:
    ///   - checkpoint: an opened checkpoint; only its descriptors are used, no tensor data is read.
    ///   - request: style, input size, depth and text options.
    /// - Throws: ``/RNXArch/ArchError`` when the tensors are no ResNet rnx knows, ``/RNXReport/ReportError`` for an impossible request.
    public init(checkpoint: Checkpoint, request: SummaryRequest = SummaryRequest()) throws {
        (table, architectureName) = try request.table(descriptors: checkpoint.descriptors)
        self.request = request
    }

    /// The table's rows, in torchinfo's order.
    public var rows: [SummaryTable.Row] { table.rows }
    /// Parameter, mult-add and size totals.
    public var totals: SummaryTable.Totals { table.totals }

    /// The table as text (torchinfo's or torchsummary's, byte for byte), JSON, CSV or Markdown.
    ///
    /// - Parameter format: the rendering; text by default.
    public func rendered(_ format: SummaryTable.Format = .text) -> String {
        table.render(format, options: request.textOptions, architecture: architectureName)
    }
}
