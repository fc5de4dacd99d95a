/// How a caller wants one recorded call printed by `PickleHeap.render(_:limit:instance:)`.
///
/// The machine knows no library's classes, so a recorded call prints as `module.name(...)` by default. A caller that
/// knows what a call stands for (torch's `_rebuild_tensor_v2`, `argparse.Namespace`) describes its text with these
/// parts instead; values in the parts are still printed by the budgeted, cycle-safe renderer.
public struct InstanceRendering: Sendable {
    /// One piece of the text. Values and pairs are separated by `, ` across all parts of one rendering.
    public enum Part: Sendable {
        /// Printed as is.
        case text(String)
        /// Each value's `repr`.
        case values([PickleValue])
        /// `key: value` pairs, or `key=value` pairs (a string key printed bare) when `keywords`.
        case pairs([(key: PickleValue, value: PickleValue)], keywords: Bool)
        /// A Python bytes literal (`b'...'`) of these bytes.
        case bytes([UInt8])
    }

    /// The parts, printed in order.
    public var parts: [Part]

    /// A rendering made of `parts`, printed in order.
    public init(_ parts: [Part]) {
        self.parts = parts
    }

    /// A fixed text, e.g. `tensor(...)`.
    public static func text(_ text: String) -> InstanceRendering {
        InstanceRendering([.text(text)])
    }

    /// A bytes literal, e.g. for bytes that a pickle rebuilds through a call.
    public static func bytes(_ bytes: [UInt8]) -> InstanceRendering {
        InstanceRendering([.bytes(bytes)])
    }

    /// `name(arguments, key=value)`, e.g. `Namespace(lr=0.1)`.
    public static func call(
        _ name: String, arguments: [PickleValue] = [], keywords: [(key: PickleValue, value: PickleValue)] = []
    ) -> InstanceRendering {
        InstanceRendering([.text(name + "("), .values(arguments), .pairs(keywords, keywords: true), .text(")")])
    }
}
