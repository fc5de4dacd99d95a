import RNXPickle

/// Weights out of pickled modules (`torch.save(model)`) and TorchScript archives, read as data and never run.
///
/// The pickle machine records classes outside the allowlist as names (`GlobalPolicy.recordClasses`) and lets
/// them be instantiated only as `cls.__new__(cls)`. Here every such instance must be a module reconstruction —
/// an `nn.Module`'s `__dict__` (`_parameters`, `_buffers`, `_modules`) or a TorchScript object (`__torch__.…`,
/// its attributes) — and every other mention of such a class a bare value in a module's attributes (torchvision's
/// `_norm_layer = BatchNorm2d`); anything else is refused as before, by name and byte offset.
extension TorchPickleLayer {
    /// TorchScript names the classes of its objects `__torch__.<module>.<Class>` (`__torch__.<Class>` for a
    /// script's own classes).
    static func isTorchScript(_ global: GlobalName) -> Bool {
        global.module == "__torch__" || global.module.hasPrefix("__torch__.")
    }

    /// Whether `instance` is a recorded class's object (not an allowed call such as `OrderedDict()`).
    static func isRecordedClass(_ instance: PickleInstance) -> Bool { !TorchGlobals.isAllowed(instance.callee) }

    /// The attributes of a module instance: its BUILD state as a dict, nil if it is no module.
    func moduleAttributes(_ instance: PickleInstance) -> [(key: PickleValue, value: PickleValue)]? {
        guard Self.isRecordedClass(instance), instance.arguments.isEmpty, instance.keywordArguments.isEmpty,
              instance.listItems.isEmpty, instance.dictItems.isEmpty, let state = instance.state,
              let attributes = heap.dict(state)
        else { return nil }
        if Self.isTorchScript(instance.callee) { return attributes }
        let keys = Set(attributes.compactMap { heap.string($0.key) })
        return keys.contains("_parameters") && keys.contains("_modules") ? attributes : nil
    }

    /// Refuses recorded classes used as anything but module reconstructions (see the type's documentation).
    func checkRecordedClasses() throws {
        let recorded = result.globals.filter { !TorchGlobals.isAllowed($0.global) }
        guard !recorded.isEmpty else { return }
        var accepted = Set<GlobalName>()
        for object in heap.objects {
            guard case .instance(let instance) = object, Self.isRecordedClass(instance) else { continue }
            guard let attributes = moduleAttributes(instance) else {
                throw CheckpointError.notAModule(className: instance.callee.description, offset: instance.offset)
            }
            accepted.insert(instance.callee)
            for attribute in attributes { if let global = heap.global(attribute.value) { accepted.insert(global) } }
        }
        for reference in recorded where !accepted.contains(reference.global) {
            throw PickleError.disallowedGlobal(
                module: reference.global.module, name: reference.global.name, offset: reference.offset)
        }
    }

    /// The state dict of the module `value` is, with torch's names (`layer1.0.conv1.weight`), nil if it is no
    /// module: parameters, then buffers (persistent ones), then each submodule's, as `state_dict()` orders them.
    func moduleStateDict(_ value: PickleValue) throws -> [(key: PickleValue, value: PickleValue)]? {
        guard let instance = heap.instance(value), moduleAttributes(instance) != nil else { return nil }
        var items: [(key: PickleValue, value: PickleValue)] = []
        try appendStateDict(of: instance, prefix: "", depth: 0, into: &items)
        return items
    }

    /// Deeper module trees than any network has are refused rather than walked (ResNets nest four deep).
    static let maxModuleDepth = 100

    private func appendStateDict(
        of instance: PickleInstance, prefix: String, depth: Int, into items: inout [(key: PickleValue, value: PickleValue)]
    ) throws {
        guard depth < Self.maxModuleDepth else {
            throw CheckpointError.unexpectedPickle(reason: "modules nested more than \(Self.maxModuleDepth) deep",
                                                   offset: instance.offset)
        }
        guard let attributes = moduleAttributes(instance) else {
            throw CheckpointError.notAModule(className: instance.callee.description, offset: instance.offset)
        }
        func attribute(_ name: String) -> PickleValue? { attributes.first { heap.string($0.key) == name }?.value }
        if Self.isTorchScript(instance.callee) {
            // A TorchScript object's attributes are its parameters, buffers and submodules, in order.
            for (key, value) in attributes {
                guard let name = heap.string(key) else { continue }
                if isTensor(value) {
                    items.append((key: .string(prefix + name), value: value))
                } else if let child = heap.instance(value), Self.isRecordedClass(child) {
                    try appendStateDict(of: child, prefix: prefix + name + ".", depth: depth + 1, into: &items)
                }
            }
            return
        }
        let nonPersistent = Set((attribute("_non_persistent_buffers_set").flatMap { heap.set($0) } ?? [])
            .compactMap { heap.string($0) })
        for (field, skip) in [("_parameters", Set<String>()), ("_buffers", nonPersistent)] {
            guard let value = attribute(field) else { continue }
            guard let entries = mapping(value) else {
                throw CheckpointError.notAModule(className: instance.callee.description, offset: instance.offset)
            }
            for (key, tensor) in entries where tensor != .none {
                let name = self.name(of: key)
                if !skip.contains(name) { items.append((key: .string(prefix + name), value: tensor)) }
            }
        }
        guard let modules = attribute("_modules").flatMap({ mapping($0) }) else {
            throw CheckpointError.notAModule(className: instance.callee.description, offset: instance.offset)
        }
        for (key, child) in modules where child != .none {
            guard let module = heap.instance(child) else {
                throw CheckpointError.notAModule(className: "submodule '\(prefix)\(name(of: key))'", offset: instance.offset)
            }
            try appendStateDict(of: module, prefix: prefix + name(of: key) + ".", depth: depth + 1, into: &items)
        }
    }
}
