//! The impls every generated class struct has, written once as a declarative macro so that
//! the expansion of a large module stays small.

/// Implements a generated class struct's conversions and internals.
///
/// `root` structs hold the ref (`{ __ref: Ref }`); `base Parent` structs hold their generated
/// Python base class (`{ __base: Parent }`) and deref to it, so inherited methods are
/// generated once, on the base.
#[doc(hidden)]
#[macro_export]
macro_rules! __python_class {
    ($name:ident, $module:literal, $class:literal, $qualname:literal, root) => {
        impl $name {
            #[inline]
            fn __sb_ref(&self) -> &$crate::Ref {
                &self.__ref
            }
            #[inline]
            fn __sb_wrap(r: $crate::Ref) -> Self {
                $name { __ref: r }
            }
        }
        $crate::__python_class!(@common $name, $module, $class, $qualname);
    };
    ($name:ident, $module:literal, $class:literal, $qualname:literal, base $parent:ident) => {
        impl $name {
            #[inline]
            fn __sb_ref(&self) -> &$crate::Ref {
                self.__base.__sb_ref()
            }
            #[inline]
            fn __sb_wrap(r: $crate::Ref) -> Self {
                $name { __base: $parent::__sb_wrap(r) }
            }
        }
        #[automatically_derived]
        impl ::core::ops::Deref for $name {
            type Target = $parent;
            fn deref(&self) -> &$parent {
                &self.__base
            }
        }
        $crate::__python_class!(@common $name, $module, $class, $qualname);
    };
    (@common $name:ident, $module:literal, $class:literal, $qualname:literal) => {
        impl $name {
            #[inline]
            fn __sb_class() -> &'static $crate::CachedFunction {
                static CLASS: $crate::CachedFunction = $crate::CachedFunction::new($module, $class);
                &CLASS
            }
        }
        #[automatically_derived]
        impl $crate::FromPython for $name {
            fn from_python(obj: &$crate::pyo3::Bound<'_, $crate::pyo3::PyAny>) -> $crate::Result<Self> {
                $crate::binding::instance_ref(obj, Self::__sb_class(), $qualname).map(Self::__sb_wrap)
            }
        }
        #[automatically_derived]
        impl $crate::FromValue for $name {
            fn from_value(value: $crate::Value) -> $crate::Result<Self> {
                $crate::binding::value_into_ref(value, Self::__sb_class(), $qualname).map(Self::__sb_wrap)
            }
        }
        #[automatically_derived]
        impl $crate::ToPython for $name {
            fn to_python<'py>(&self, py: $crate::pyo3::Python<'py>) -> $crate::Result<$crate::pyo3::Bound<'py, $crate::pyo3::PyAny>> {
                $crate::ToPython::to_python(self.__sb_ref(), py)
            }
        }
        #[automatically_derived]
        impl ::core::convert::TryFrom<$crate::Ref> for $name {
            type Error = $crate::Error;
            fn try_from(r: $crate::Ref) -> $crate::Result<Self> {
                $crate::binding::check_ref(&r, Self::__sb_class(), $qualname)?;
                ::core::result::Result::Ok(Self::__sb_wrap(r))
            }
        }
        #[automatically_derived]
        impl ::core::convert::TryFrom<$crate::Value> for $name {
            type Error = $crate::Error;
            fn try_from(value: $crate::Value) -> $crate::Result<Self> {
                <Self as $crate::FromValue>::from_value(value)
            }
        }
        #[automatically_derived]
        impl ::core::convert::From<$name> for $crate::Ref {
            fn from(value: $name) -> Self {
                value.__sb_ref().clone()
            }
        }
        #[automatically_derived]
        impl ::core::convert::From<$name> for $crate::Value {
            fn from(value: $name) -> Self {
                $crate::Value::Ref(value.__sb_ref().clone())
            }
        }
        #[automatically_derived]
        impl ::core::convert::AsRef<$crate::Ref> for $name {
            fn as_ref(&self) -> &$crate::Ref {
                self.__sb_ref()
            }
        }
        #[automatically_derived]
        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(self.__sb_ref(), f)
            }
        }
        #[automatically_derived]
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::binding::display(self.__sb_ref(), f)
            }
        }
    };
}
