extension PickleHeap {
    /// A Python-like `repr` of `value`, at most `limit` characters followed by `...` when cut.
    ///
    /// Scalars print as Python prints them (`90`, `76.13`, `1e-05`, `'resnet50'`, `b'\x00'`, `True`, `None`);
    /// containers as Python does (`{'lr': 0.1}`, `(1,)`, `set()`); a global as `module.name`; a recorded call as
    /// `module.name(arguments, [list items], {dict items}, attribute=value)`, where the attributes are a dict state
    /// set by BUILD (any other state prints as `state=...`); a persistent id as `persistent_id(...)`. A container met
    /// again inside itself prints as `[...]`, and nesting past 64 levels as `...`. Work is proportional to `limit`,
    /// so shared or cyclic structures cannot blow it up.
    public func render(_ value: PickleValue, limit: Int = 200) -> String {
        var renderer = PickleRenderer(heap: self, limit: limit)
        return renderer.render(value)
    }
}
