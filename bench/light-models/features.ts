/**
 * The 8 numeric trip features of the ride-duration model, in the model's
 * column order, with the range the synthetic training data draws from. The
 * Python scripts get them from here (train_linear.py as an argument, the
 * Flask peer through the meta.json it writes).
 */
export const FEATURES = [
  { name: "trip_distance", low: 0.3, high: 20 },
  { name: "passenger_count", low: 1, high: 6 },
  { name: "pickup_hour", low: 0, high: 23 },
  { name: "pickup_weekday", low: 0, high: 6 },
  { name: "pu_location", low: 1, high: 265 },
  { name: "do_location", low: 1, high: 265 },
  { name: "fare_amount", low: 3, high: 80 },
  { name: "tip_amount", low: 0, high: 15 },
] as const;

/** One trip: the 8 features by name. */
export type Trip = Record<(typeof FEATURES)[number]["name"], number>;
