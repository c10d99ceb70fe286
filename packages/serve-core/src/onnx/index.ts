export { float16Tensor, tensorToFloat32 } from "./float-tensor.js";
export {
  float16ToFloat32,
  float32ToFloat16,
  fromFloat16Bits,
  toFloat16Bits,
} from "./float16.js";
export { type LoadedSession, loadSession, type TensorInfo } from "./load-session.js";
export { type LoadSessionOptions, resolveSessionOptions } from "./session-options.js";
export { type WarmUpOptions, warmUp } from "./warm-up.js";
