// Setting a key taken from input on a plain object: "__proto__" must become an own property, not
// the object's prototype (a header or parameter named so would otherwise vanish or graft keys).
export function setKey<V>(obj: { [key: string]: V }, key: string, value: V): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
