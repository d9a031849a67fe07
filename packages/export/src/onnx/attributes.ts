/** Typed ONNX node attributes: the type is explicit, since 1 and 1.0 are the same JS number. */
import { AttributeType } from '@mlpx/core';

export type Attribute =
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'string'; readonly value: string };

export const attr = {
  float: (value: number): Attribute => ({ type: 'float', value }),
  int: (value: number): Attribute => ({ type: 'int', value }),
  ints: (value: readonly number[]): Attribute => ({ type: 'ints', value }),
  floats: (value: readonly number[]): Attribute => ({ type: 'floats', value }),
  string: (value: string): Attribute => ({ type: 'string', value }),
};

/** The AttributeProto fields for one attribute. */
export function attributeProto(name: string, attribute: Attribute): Record<string, unknown> {
  switch (attribute.type) {
    case 'float':
      return { name, type: AttributeType.FLOAT, f: attribute.value };
    case 'int':
      return { name, type: AttributeType.INT, i: attribute.value };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: [...attribute.value] };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: [...attribute.value] };
    case 'string':
      return { name, type: AttributeType.STRING, s: new TextEncoder().encode(attribute.value) };
  }
}
