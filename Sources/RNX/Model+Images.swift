import Foundation

/// Photos in, labels out: decoding as PIL does, torchvision's preprocessing, the forward pass and softmax.
extension Model {
    /// The preprocessing the model's family was trained with: torchvision's ImageNet transforms (Resize 256,
    /// CenterCrop 224), or Resize 32, CenterCrop 32 for the CIFAR nets; both with ImageNet's mean and std.
    public var preprocessing: Preprocessing {
        Preprocessing(preset: Classifier.preset(for: configuration))
    }

    /// The `top` most probable classes of the JPEG or PNG file at `url`, most probable first, with ``labels``.
    ///
    /// The image is decoded as `Image.open(f).convert("RGB")` and preprocessed exactly as torchvision's transforms
    /// on a PIL image (``/RNXImage/Preprocessing``), so the probabilities are torchvision's pipeline's.
    ///
    /// ```swift
    /// let model = try Model(contentsOf: URL(fileURLWithPath: "resnet50.rnw"))
    /// for prediction in try model.classify(imageAt: URL(fileURLWithPath: "cat.jpg"), top: 3) {
    ///     print(prediction.label, prediction.probability)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - url: a file URL of a JPEG or PNG image (the format is read from its bytes).
    ///   - top: how many classes to return.
    ///   - preprocessing: the transforms; default ``preprocessing``.
    ///   - decoder: decoding limits (the most pixels an image may declare).
    ///   - threads: threads for the forward pass.
    /// - Throws: ``/RNXImage/ImageError`` for an image that cannot be read or a setting out of range,
    ///   ``/RNXForward/ForwardError`` when the crop does not fit the network.
    public func classify(
        imageAt url: URL, top: Int = 5, preprocessing: Preprocessing? = nil,
        decoder: ImageDecoder = ImageDecoder(), threads: Int = ForwardThreads.defaultCount
    ) throws -> [Prediction] {
        guard url.isFileURL else { throw ImageError.cannotOpen(reason: "\(url.absoluteString) is not a file URL") }
        return try classify(try decoder.decode(contentsOfFile: url.path), top: top, preprocessing: preprocessing,
                            threads: threads)
    }

    /// The `top` most probable classes of an image already in memory (8-bit RGB, e.g. from a camera or an
    /// upload decoded with ``/RNXImage/ImageDecoder/decode(_:)``), most probable first, with ``labels``.
    ///
    /// - Parameters:
    ///   - image: the pixels.
    ///   - top: how many classes to return.
    ///   - preprocessing: the transforms; default ``preprocessing``.
    ///   - threads: threads for the forward pass.
    /// - Throws: ``/RNXImage/ImageError`` for a setting out of range, ``/RNXForward/ForwardError`` when the crop
    ///   does not fit the network.
    public func classify(
        _ image: RGBImage, top: Int = 5, preprocessing: Preprocessing? = nil,
        threads: Int = ForwardThreads.defaultCount
    ) throws -> [Prediction] {
        try classifier(preprocessing: preprocessing, threads: threads).classify([image], top: top)[0]
    }

    /// A ``/RNXPredict/Classifier`` over this model, for many images: batches, and files decoded beside the
    /// forward pass (``/RNXPredict/Classifier/classify(contentsOfFiles:top:batchSize:each:)``).
    ///
    /// - Parameters:
    ///   - preprocessing: the transforms; default ``preprocessing``.
    ///   - decoder: decoding limits.
    ///   - threads: threads for decoding and for the forward pass.
    /// - Throws: ``/RNXImage/ImageError/invalidSetting(_:)`` for preprocessing out of range.
    public func classifier(
        preprocessing: Preprocessing? = nil, decoder: ImageDecoder = ImageDecoder(),
        threads: Int = ForwardThreads.defaultCount
    ) throws -> Classifier {
        try Classifier(model: forward, labels: labels, preprocessing: preprocessing ?? self.preprocessing,
                       decoder: decoder, threads: threads)
    }
}
