// ml-regression ships no type declarations; its MultivariateLinearRegression is the
// ml-regression-multivariate-linear class, which does.
declare module 'ml-regression' {
  import MLR from 'ml-regression-multivariate-linear';
  export const MultivariateLinearRegression: typeof MLR;
  export type MultivariateLinearRegression = MLR;
}
