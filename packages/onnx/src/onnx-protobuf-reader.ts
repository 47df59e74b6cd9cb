import { InvalidInputError } from '@weightspec/core';

/** One field of a protocol-buffers message: its number, wire type and raw value. */
export interface ProtobufField {
  readonly field: number;
  readonly wireType: number;
  /** Varint (wire type 0) as a bigint, fixed32/fixed64 as their bytes, length-delimited as their bytes. */
  readonly value: bigint | Uint8Array;
}

/**
 * A minimal protocol-buffers reader, the inverse of ProtobufWriter: it splits a message into its
 * fields (wire types 0, 1, 2 and 5 from the protobuf encoding guide) and throws InvalidInputError,
 * naming `context` and the byte offset, on truncated or malformed bytes.
 */
export class ProtobufReader {
  readonly #bytes: Uint8Array;
  readonly #context: string;
  #offset = 0;

  /** `context` names the message in error messages, e.g. `model.graph.node[3]`. */
  constructor(bytes: Uint8Array, context: string) {
    this.#bytes = bytes;
    this.#context = context;
  }

  #fail(message: string): never {
    throw new InvalidInputError(this.#context, `${message} at byte ${this.#offset} of ${this.#bytes.length}`);
  }

  #varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.#offset >= this.#bytes.length) this.#fail('truncated varint');
      const byte = this.#bytes[this.#offset] as number;
      this.#offset += 1;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) this.#fail('varint longer than 10 bytes');
    }
  }

  #take(length: number): Uint8Array {
    if (this.#offset + length > this.#bytes.length) this.#fail(`field of ${length} bytes runs past the end`);
    const slice = this.#bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return slice;
  }

  /** Every field in order (repeated fields appear once per occurrence). */
  fields(): ProtobufField[] {
    const fields: ProtobufField[] = [];
    while (this.#offset < this.#bytes.length) {
      const tag = this.#varint();
      const field = Number(tag >> 3n);
      const wireType = Number(tag & 7n);
      if (field === 0) this.#fail('field number 0 (not a protobuf message)');
      if (wireType === 0) fields.push({ field, wireType, value: this.#varint() });
      else if (wireType === 1) fields.push({ field, wireType, value: this.#take(8) });
      else if (wireType === 2) fields.push({ field, wireType, value: this.#take(Number(this.#varint())) });
      else if (wireType === 5) fields.push({ field, wireType, value: this.#take(4) });
      else this.#fail(`unsupported wire type ${wireType} for field ${field}`);
    }
    return fields;
  }
}

/** A varint field as a signed 64-bit number (int64 two's complement), as a JavaScript number. */
export function varintNumber(value: bigint | Uint8Array): number {
  if (typeof value !== 'bigint') throw new InvalidInputError('protobuf', 'expected a varint field');
  return Number(BigInt.asIntN(64, value));
}

/** A length-delimited field as UTF-8 text. */
export function utf8(value: bigint | Uint8Array): string {
  if (typeof value === 'bigint') throw new InvalidInputError('protobuf', 'expected a length-delimited field');
  return new TextDecoder().decode(value);
}

/** A length-delimited field's bytes. */
export function bytesOf(value: bigint | Uint8Array): Uint8Array {
  if (typeof value === 'bigint') throw new InvalidInputError('protobuf', 'expected a length-delimited field');
  return value;
}

/** Repeated int64 values, packed (one length-delimited field) or not (one varint per field). */
export function int64Values(fields: readonly ProtobufField[], context: string): number[] {
  const values: number[] = [];
  for (const { value } of fields) {
    if (typeof value === 'bigint') values.push(Number(BigInt.asIntN(64, value)));
    else
      for (const { value: item } of new ProtobufReader(packedAsFields(value), context).fields())
        values.push(varintNumber(item));
  }
  return values;
}

/** Repeated float values, packed or not. */
export function floatValues(fields: readonly ProtobufField[]): number[] {
  const values: number[] = [];
  for (const { value } of fields) {
    const bytes = bytesOf(value);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let offset = 0; offset + 4 <= bytes.byteLength; offset += 4) values.push(view.getFloat32(offset, true));
  }
  return values;
}

/** Repeated double values, packed or not. */
export function doubleValues(fields: readonly ProtobufField[]): number[] {
  const values: number[] = [];
  for (const { value } of fields) {
    const bytes = bytesOf(value);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let offset = 0; offset + 8 <= bytes.byteLength; offset += 8) values.push(view.getFloat64(offset, true));
  }
  return values;
}

/** Rewrites packed varints as a run of field-1 varint fields so the reader can split them. */
function packedAsFields(packed: Uint8Array): Uint8Array {
  const out: number[] = [];
  let start = true;
  for (const byte of packed) {
    if (start) out.push(0x08);
    out.push(byte);
    start = (byte & 0x80) === 0;
  }
  return Uint8Array.from(out);
}
