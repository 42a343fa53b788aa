/** History that cannot give a trustworthy model (shallow, too short, too few fixes): said plainly. */
export class CalibrationError extends Error {
  override name = 'CalibrationError';
}
