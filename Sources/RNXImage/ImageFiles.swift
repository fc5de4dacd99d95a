import Foundation

/// The images an `IMAGE|DIR...` argument list names.
public enum ImageFiles {
    /// Files as given; each directory replaced by the JPEG and PNG files under it (by extension, any depth),
    /// sorted by path. A path that does not exist is kept, so reading it reports the error.
    public static func collect(_ arguments: [String]) -> [String] {
        var files: [String] = []
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                files.append(argument)
                continue
            }
            let base = argument.hasSuffix("/") ? String(argument.dropLast()) : argument
            var found: [String] = []
            if let walker = FileManager.default.enumerator(atPath: argument) {
                for case let relative as String in walker where ImageFormat.hasImageExtension(relative) {
                    found.append(base + "/" + relative)
                }
            }
            files += found.sorted()
        }
        return files
    }
}
