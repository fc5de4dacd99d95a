/// Bounds on what one pickle may make the machine do, so a small hostile file cannot exhaust memory or time.
public struct PickleLimits: Sendable, Hashable {
    /// Largest pickle accepted, in bytes.
    public var maxBytes: Int
    /// Deepest MARK or container nesting.
    public var maxDepth: Int
    /// Largest memo index.
    public var maxMemoEntries: Int
    /// Most items in one container.
    public var maxContainerItems: Int
    /// Most heap objects in all.
    public var maxObjects: Int

    public init(maxBytes: Int, maxDepth: Int, maxMemoEntries: Int, maxContainerItems: Int, maxObjects: Int) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxMemoEntries = maxMemoEntries
        self.maxContainerItems = maxContainerItems
        self.maxObjects = maxObjects
    }

    /// Limits far above any real checkpoint's pickle (resnet1202's is under 1 MB) and far below harm.
    public static let standard = PickleLimits(
        maxBytes: 256 << 20, maxDepth: 1000, maxMemoEntries: 1 << 22, maxContainerItems: 1 << 24, maxObjects: 1 << 24)
}
