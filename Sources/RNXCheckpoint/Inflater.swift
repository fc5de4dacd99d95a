import CZlib

/// Raw deflate decompression (zip method 8) into memory, bounded before anything is allocated.
enum Inflater {
    /// Inflates `input` (raw deflate, no zlib header) into at most `limit` bytes. Returns the output and how many
    /// input bytes the deflate stream used (less than `input.count` when data follows the stream). Output past
    /// `limit` is `tooLarge`; a stream that is corrupt or ends early is `corrupt`.
    /// With `prefixOnly`, stops at `limit` bytes and returns them (to look at a record's first bytes).
    static func inflate(_ input: ArraySlice<UInt8>, limit: Int, prefixOnly: Bool = false) -> Outcome {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return .corrupt("zlib cannot start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        let status: Int32 = input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(clamping: source.count)
            var code = Z_OK
            while code == Z_OK {
                code = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                guard output.count + produced <= limit else {
                    guard prefixOnly else { return Z_MEM_ERROR }
                    output.append(contentsOf: chunk[0..<(limit - output.count)])
                    return Z_STREAM_END
                }
                output.append(contentsOf: chunk[0..<produced])
                if code == Z_BUF_ERROR && stream.avail_in == 0 { break }
            }
            return code
        }
        switch status {
        case Z_STREAM_END: return .inflated(output, used: input.count - Int(stream.avail_in))
        case Z_BUF_ERROR where prefixOnly: return .inflated(output, used: input.count - Int(stream.avail_in))
        case Z_MEM_ERROR: return .tooLarge
        case Z_BUF_ERROR: return .corrupt("the deflate stream ends early")
        default: return .corrupt(stream.msg.map { String(cString: $0) } ?? "invalid deflate data")
        }
    }

    /// What inflating gave (not an error type: callers turn the failures into `CheckpointError`s).
    enum Outcome: Equatable {
        case inflated([UInt8], used: Int)
        case tooLarge
        case corrupt(String)
    }
}
