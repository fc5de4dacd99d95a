import RNXArch
import RNXTensor

/// A tensor source seen through an `AdaptationPlan`: `rnx run --num-classes/--in-channels` without writing a file.
struct AdaptedSource<Base: TensorSource>: TensorSource {
    let base: Base
    let plan: AdaptationPlan

    var descriptors: [TensorDescriptor] { base.descriptors.map(plan.descriptor(for:)) }

    func loadTensor(at index: Int) throws -> Tensor {
        let name = base.descriptors[index].name
        return try plan.apply(try base.loadTensor(at: index), name: name)
    }
}
