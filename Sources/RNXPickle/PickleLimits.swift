/// Bounds on what one pickle may make the machine do, so a small hostile file cannot exhaust memory or time.
///
/// Whatever the limits, memory stays proportional to the input: every value, object, memo entry and stack slot
/// needs at least one opcode byte, shared structures (memo GET, DUP) are shared rather than copied, and declared
/// lengths are checked against the bytes present before anything is allocated. The limits bound the constant
/// factor for large inputs: with `standard`, the worst case is a few hundred megabytes for a pickle of hundreds
/// of megabytes, and a 1 KB pickle allocates at most kilobytes.
public struct PickleLimits: Sendable, Hashable {
    /// Largest pickle accepted, in bytes, counted from its start; running past it without STOP is
    /// `PickleError.pickleTooLarge`.
    public var maxBytes: Int
    /// Deepest nesting: open MARKs at once, containers inside containers (as built; a container filled after
    /// it was put into another is not re-checked, and consumers walking values bound their own depth), and open
    /// containers and MARKs on the stack at once: a list, dict, set or call pushed empty may have every value
    /// pushed after it nested into it, so more than this many empty ones waiting at once are refused when pushed
    /// (even if they would have become siblings, as in a batch of over `maxDepth` empty lists).
    /// Exceeding it is `PickleError.depthLimitExceeded`.
    public var maxDepth: Int
    /// Memo indices must be below this (`PickleError.memoIndexOverLimit`); the memo is a dictionary, so an index
    /// near the limit costs one entry, not a table of that size.
    public var maxMemoEntries: Int
    /// Most items in one container (`PickleError.containerTooLarge`).
    public var maxContainerItems: Int
    /// Most values on the machine's stack at once (`PickleError.stackTooLarge`). Pickles batch container items
    /// (CPython appends and sets items 1,000 at a time), so the stack only grows this large for a tuple of that
    /// many items or for a flood of values nothing consumes; kept below `maxContainerItems` because the flood is
    /// the cheap attack: a 16 KB deflated `data.pkl` can inflate to 16 Mi one-byte pushes.
    public var maxStackValues: Int
    /// Most heap objects (containers, globals, recorded calls, persistent ids) in all (`PickleError.tooManyObjects`).
    public var maxObjects: Int
    /// Most objects the result may unfold to as a tree, shared references expanded (checked by readers that walk
    /// the result, with `PickleHeap.unfolding(of:limit:)`): a "billion laughs" of memo GETs is small as a graph
    /// and astronomically large for every walk or printout.
    public var maxUnfoldedObjects: Int

    /// Limits with every bound given; start from ``standard`` and change one field to tighten a single bound.
    public init(
        maxBytes: Int, maxDepth: Int, maxMemoEntries: Int, maxContainerItems: Int, maxStackValues: Int, maxObjects: Int,
        maxUnfoldedObjects: Int
    ) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxMemoEntries = maxMemoEntries
        self.maxContainerItems = maxContainerItems
        self.maxStackValues = maxStackValues
        self.maxObjects = maxObjects
        self.maxUnfoldedObjects = maxUnfoldedObjects
    }

    /// Limits far above any real checkpoint's pickle and far below harm: 256 MiB of pickle, depth 1000 (CPython's
    /// own pickler stops near its recursion limit of 1000), 4 Mi memo entries, 4 Mi items per container, 1 Mi values
    /// on the stack, 2 Mi objects, 1,000,000 unfolded objects. For scale, torchvision resnet152's `data.pkl` is
    /// 115 KB with some 8,000 objects, and resnet1202's state dict unfolds to under 40,000.
    public static let standard = PickleLimits(
        maxBytes: 256 << 20, maxDepth: 1000, maxMemoEntries: 1 << 22, maxContainerItems: 1 << 22,
        maxStackValues: 1 << 20, maxObjects: 1 << 21, maxUnfoldedObjects: 1_000_000)
}
