/**
 * Keras' zoom as separable bilinear sampling: for NHWC images, output(y, x) samples the input at
 * (zy * y + oy, zx * x + ox) with 'reflect' fill, which is what tf.image.transform computes for the
 * zoom matrix [zx, 0, ox, 0, zy, oy, 0, 0] (TensorFlow's ImageProjectiveTransform; tfjs's cpu
 * kernel, whose coordinate mapping is copied here). Because the map has no rotation or shear,
 * bilinear sampling factors into a [H, H] matrix along rows and a [W, W] one along columns, so the
 * zoom is two batched matmuls that every backend computes alike.
 *
 * Not tf.image.transform itself: in tfjs 4.22 the wasm Transform kernel fills 'reflect' with the
 * wrong pixels (the far side of the image) and the cpu kernel transforms every image of a batch
 * after the first wrongly (test/train/layers/zoom.test.ts records both).
 */
import * as tf from '@tensorflow/tfjs';

/** TensorFlow's REFLECT coordinate mapping (d c b a | a b c d | d c b a), clamped to the image. */
export function reflectCoordinate(coordinate: number, length: number): number {
  let c = coordinate;
  if (c < 0) {
    if (length <= 1) c = 0;
    else {
      const period = 2 * length;
      if (c < period) c = period * Math.trunc(-c / period) + c;
      c = c < -length ? c + period : -c - 1;
    }
  } else if (c > length - 1) {
    if (length <= 1) c = 0;
    else {
      const period = 2 * length;
      c -= period * Math.trunc(c / period);
      if (c >= length) c = period - c - 1;
    }
  }
  return Math.min(Math.max(c, 0), length - 1);
}

/** The [length, length] linear-interpolation matrix of output i sampling input zoom * i + offset. */
export function zoomMatrix(length: number, zoom: number, offset: number): Float32Array {
  const matrix = new Float32Array(length * length);
  for (let i = 0; i < length; i++) {
    const c = reflectCoordinate(zoom * i + offset, length);
    const low = Math.floor(c);
    const high = Math.ceil(c);
    const fraction = c - low;
    matrix[i * length + low] += 1 - fraction;
    matrix[i * length + high] += fraction;
  }
  return matrix;
}

/**
 * Zooms each image b of [B, H, W, C] by heightZoom[b], widthZoom[b] about its centre (Keras'
 * offsets: (len - 1) / 2 * (1 - zoom)).
 */
export function zoomImages(images: tf.Tensor4D, heightZoom: readonly number[], widthZoom: readonly number[]): tf.Tensor4D {
  return tf.tidy(() => {
    const [batch, height, width, channels] = images.shape;
    const rows = new Float32Array(batch * height * height);
    const columns = new Float32Array(batch * width * width);
    for (let b = 0; b < batch; b++) {
      rows.set(zoomMatrix(height, heightZoom[b]!, ((height - 1) / 2) * (1 - heightZoom[b]!)), b * height * height);
      columns.set(zoomMatrix(width, widthZoom[b]!, ((width - 1) / 2) * (1 - widthZoom[b]!)), b * width * width);
    }
    // Rows: [B, H, H] x [B, H, W*C].
    const alongRows = tf.matMul(tf.tensor3d(rows, [batch, height, height]), tf.reshape(images, [batch, height, width * channels]));
    // Columns: [B, W, W] x [B, W, H*C], with the image transposed to put W first.
    const columnsFirst = tf.reshape(tf.transpose(tf.reshape(alongRows, [batch, height, width, channels]), [0, 2, 1, 3]), [batch, width, height * channels]);
    const alongColumns = tf.matMul(tf.tensor3d(columns, [batch, width, width]), columnsFirst);
    return tf.transpose(tf.reshape(alongColumns, [batch, width, height, channels]), [0, 2, 1, 3]) as tf.Tensor4D;
  });
}
