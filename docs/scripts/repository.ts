/** Where Tollgate's source lives: the site's "edit" and source links point here. */
export const REPOSITORY = "https://github.com/tollgate/tollgate";
