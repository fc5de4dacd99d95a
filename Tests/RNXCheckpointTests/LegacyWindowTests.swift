import Testing

@testable import RNXCheckpoint
import RNXTestSupport

/// The legacy reader reads a window of the file for its pickles and grows it while they run past its end.
struct LegacyWindowTests {
    /// With a 16-byte first window the pickles of views-legacy.pth (about 1.3 KB) need several growths;
    /// the tensors must come out as with the default window (which holds the whole file).
    @Test func smallWindowGrows() throws {
        let path = RNXTestSupport.Fixtures.path("checkpoints/views-legacy.pth")
        let small = try TorchLegacyReader.read(path: path, window: 16)
        let whole = try TorchLegacyReader.read(path: path)
        #expect(small.descriptors == whole.descriptors)
        #expect(try small.loadAll() == whole.loadAll())
    }
}
