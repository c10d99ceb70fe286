export { type PredictorTester, type TestInput, testPredictor } from "./test-predictor.js";
