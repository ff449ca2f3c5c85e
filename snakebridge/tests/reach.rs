//! Reach (issue 15): the main submodules of the library set bind and work end to end, each
//! test calling something real. The libraries come from `python/requirements-test.txt`; the
//! manifests are committed in `snakebridge/.snakebridge/`.

use snakebridge::{args, call_as, python_module, ToPython};

#[python_module("numpy", include = ["linalg.det", "linalg.inv", "fft.fft", "random.default_rng", "random.Generator"])]
mod np {}

#[python_module("scipy", include = ["linalg.det", "stats.zscore", "optimize.rosen", "sparse.eye"])]
mod scipy {}

#[python_module("pandas", include = ["isna", "to_datetime", "Series"])]
mod pandas {}

#[python_module("sympy", include = ["sqrt", "Symbol", "expand"])]
mod sympy {}

#[python_module("sklearn", include = ["linear_model.LinearRegression", "cluster.KMeans", "preprocessing.scale"])]
mod sklearn {}

#[python_module("polars", include = ["Series"])]
mod polars {}

#[python_module("requests", include = ["Request", "utils.requote_uri"])]
mod requests {}

fn float(x: impl ToPython) -> f64 {
    call_as("builtins", "float", (x,)).unwrap()
}

fn text(x: impl ToPython) -> String {
    call_as("builtins", "str", (x,)).unwrap()
}

#[test]
fn numpy_linalg_fft_random() {
    let matrix = vec![vec![1.0, 2.0], vec![3.0, 4.0]];
    assert!((float(np::linalg::det(&matrix).unwrap()) + 2.0).abs() < 1e-9);
    let inverse = np::linalg::inv(&matrix).unwrap();
    assert_eq!(text(&inverse).matches('[').count(), 3, "{}", text(&inverse));
    let spectrum = np::fft::fft(vec![1.0, 0.0, 0.0, 0.0]).unwrap();
    assert_eq!(text(&spectrum), "[1.+0.j 1.+0.j 1.+0.j 1.+0.j]");
    let rng = np::random::default_rng_with(args!(7)).unwrap();
    let again = np::random::default_rng_with(args!(7)).unwrap();
    assert_eq!(
        text(rng.integers_with(0, args!(100, 5)).unwrap()),
        text(again.integers_with(0, args!(100, 5)).unwrap())
    );
}

#[test]
fn scipy_linalg_stats_optimize_sparse() {
    assert!((float(scipy::linalg::det(vec![vec![2.0, 0.0], vec![0.0, 3.0]]).unwrap()) - 6.0).abs() < 1e-9);
    let z = scipy::stats::zscore(vec![1.0, 2.0, 3.0]).unwrap();
    assert!(text(&z).starts_with("[-1.22"), "{}", text(&z));
    assert_eq!(float(scipy::optimize::rosen(vec![1.0, 1.0, 1.0]).unwrap()), 0.0);
    let eye = scipy::sparse::eye(3).unwrap();
    assert!(text(&eye).contains("3 stored elements") || text(&eye).contains("(2, 2)"), "{}", text(&eye));
}

#[test]
fn pandas_top_level() {
    assert!(float(pandas::isna(()).unwrap()) == 1.0);
    let when = pandas::to_datetime("2024-01-02").unwrap();
    assert_eq!(text(&when), "2024-01-02 00:00:00");
    let series = pandas::Series::new_with(args!(vec![1, 2, 3])).unwrap();
    assert_eq!(float(series.sum().unwrap()), 6.0);
}

#[test]
fn sympy_top_level() {
    assert_eq!(text(sympy::sqrt(8).unwrap()), "2*sqrt(2)");
    let x = sympy::Symbol::new("x").unwrap();
    let squared = snakebridge::python!(#x * #x + 2 * #x + 1).unwrap();
    assert_eq!(text(&squared), "x**2 + 2*x + 1");
}

#[test]
fn scikit_learn_linear_model_cluster_preprocessing() {
    let xs = vec![vec![0.0], vec![1.0], vec![2.0]];
    let model = sklearn::linear_model::LinearRegression::new_with(args!()).unwrap();
    model.fit(&xs, vec![1.0, 3.0, 5.0]).unwrap();
    let prediction = model.predict(vec![vec![3.0]]).unwrap();
    assert!((float(call_as::<f64>("operator", "getitem", (&prediction, 0)).unwrap()) - 7.0).abs() < 1e-9);
    let kmeans = sklearn::cluster::KMeans::new_with(args!(n_clusters = 2, n_init = 1, random_state = 0)).unwrap();
    kmeans.fit(vec![vec![0.0], vec![0.1], vec![9.0], vec![9.1]]).unwrap();
    let scaled = sklearn::preprocessing::scale(vec![1.0, 2.0, 3.0]).unwrap();
    assert!(text(&scaled).starts_with("[-1.22"), "{}", text(&scaled));
}

#[test]
fn polars_series() {
    let series = polars::Series::new_with(args!("a", vec![1, 2, 3])).unwrap();
    assert_eq!(float(series.sum().unwrap()), 6.0);
}

#[test]
fn requests_without_the_network() {
    let request = requests::Request::new_with(args!("GET", "http://example.com/a b")).unwrap();
    let prepared = request.prepare().unwrap();
    let url: String = call_as("builtins", "getattr", (&prepared, "url")).unwrap();
    assert_eq!(url, "http://example.com/a%20b");
    assert_eq!(requests::utils::requote_uri("http://x/a b").unwrap(), "http://x/a%20b");
}
