import RNXPickle

/// libFuzzer target (a): the restricted pickle machine on raw bytes, under both policies.
///
/// Any thrown PickleError is a correct refusal; only crashes, traps, hangs and sanitizer reports are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func rnxFuzzPickle(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
    let allow: Set<GlobalName> = [
        GlobalName(module: "collections", name: "OrderedDict"),
        GlobalName(module: "torch._utils", name: "_rebuild_tensor_v2"),
        GlobalName(module: "torch", name: "FloatStorage"),
    ]
    for policy in [GlobalPolicy.scanOnly, .allow(allow), .recordClasses(allow)] {
        if let result = try? Unpickler(policy: policy).run(bytes) {
            // Touch what a reader would: every heap object, so lazily built structure is exercised too.
            var items = 0
            for object in result.heap.objects {
                switch object {
                case .tuple(let v), .list(let v), .set(let v), .frozenSet(let v): items &+= v.count
                case .dict(let d): items &+= d.count
                default: items &+= 1
                }
            }
            precondition(items >= 0 && result.endOffset <= bytes.count)
        }
    }
    return 0
}
