/**
 * A minimal protocol-buffers writer: just the wire types ONNX's ModelProto uses (varint, fixed32,
 * fixed64, length-delimited). Field numbers are the stable ones from onnx.proto.
 */
export class ProtobufWriter {
  readonly #chunks: number[] = [];

  /** Bytes written so far. */
  finish(): Uint8Array {
    return Uint8Array.from(this.#chunks);
  }

  #varint(value: bigint): void {
    let remaining = BigInt.asUintN(64, value);
    while (remaining >= 0x80n) {
      this.#chunks.push(Number((remaining & 0x7fn) | 0x80n));
      remaining >>= 7n;
    }
    this.#chunks.push(Number(remaining));
  }

  #tag(field: number, wireType: number): void {
    this.#varint(BigInt((field << 3) | wireType));
  }

  /** An int32/int64/enum/bool field (negative values take ten bytes, as protobuf says). */
  int(field: number, value: number | bigint): this {
    this.#tag(field, 0);
    this.#varint(BigInt(value));
    return this;
  }

  /** A float field (wire type 5, little-endian IEEE 754 single). */
  float(field: number, value: number): this {
    this.#tag(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.#chunks.push(...bytes);
    return this;
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, 2);
    this.#varint(BigInt(value.length));
    for (const byte of value) this.#chunks.push(byte);
    return this;
  }

  /** A UTF-8 string field. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** An embedded message field. */
  message(field: number, write: (writer: ProtobufWriter) => void): this {
    const inner = new ProtobufWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtobufWriter();
    for (const value of values) inner.#varint(BigInt(value));
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((value, index) => {
      view.setFloat32(index * 4, value, true);
    });
    return this.bytes(field, bytes);
  }
}
