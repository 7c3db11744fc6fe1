/** A surrogate parameter by its catalog name (`catalog().surrogates[].params[].name`); `alpha`/`beta` set the first/second of any surrogate. Generated from the catalog. */
export interface SurrogateParameters {
    /** of the rect surrogate */
    width?: number | null;
    /** of the fastSigmoid surrogate */
    slope?: number | null;
    /** of the triangular surrogate */
    scale?: number | null;
}
