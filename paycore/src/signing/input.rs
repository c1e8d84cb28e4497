//! `Signature-Input` parsing with an sfv visitor: the Dictionary is validated
//! by sfv, but its members are collected into small vectors borrowing the
//! input instead of `sfv::Dictionary`'s owned maps (the verifier's hot path).

use std::convert::Infallible;

use sfv::visitor::{
    DictionaryVisitor, EntryVisitor, Ignored, InnerListVisitor, ItemVisitor, ParameterVisitor,
};
use sfv::{BareItemFromInput, KeyRef};

type Params<'de> = Vec<(&'de KeyRef, BareItemFromInput<'de>)>;

/// An item of an Inner List with its parameters.
#[derive(Debug)]
pub(crate) struct RawItem<'de> {
    pub(crate) bare: BareItemFromInput<'de>,
    pub(crate) params: Params<'de>,
}

/// An Inner List member: items and the list's parameters.
#[derive(Debug, Default)]
pub(crate) struct RawList<'de> {
    pub(crate) items: Vec<RawItem<'de>>,
    pub(crate) params: Params<'de>,
}

impl<'de> RawList<'de> {
    /// The last value of parameter `key` (duplicates were already collapsed).
    pub(crate) fn param(&self, key: &str) -> Option<&BareItemFromInput<'de>> {
        self.params
            .iter()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| v)
    }
}

/// A Dictionary member: an Inner List, or an Item (not a valid
/// `Signature-Input` member, kept so the caller can refuse it).
#[derive(Debug)]
pub(crate) enum RawEntry<'de> {
    List(RawList<'de>),
    Item,
}

/// Parses a `Signature-Input` value into `(label, member)` pairs in order. A
/// repeated label keeps its first position and its last value (RFC 9651
/// §4.2.2), as do repeated parameters.
pub(crate) fn parse(value: &str) -> Result<Vec<(&KeyRef, RawEntry<'_>)>, sfv::Error> {
    sfv::Parser::new(value).parse_dictionary_with_visitor(Dict {
        members: Vec::with_capacity(2),
    })
}

struct Dict<'de> {
    members: Vec<(&'de KeyRef, RawEntry<'de>)>,
}

struct Entry<'a, 'de>(&'a mut RawEntry<'de>);
struct List<'a, 'de>(&'a mut RawList<'de>);
struct Item<'a, 'de>(&'a mut RawItem<'de>);
struct ParamSink<'a, 'de>(&'a mut Params<'de>);

impl<'de> DictionaryVisitor<'de> for Dict<'de> {
    type Out = Vec<(&'de KeyRef, RawEntry<'de>)>;
    type Error = Infallible;

    fn entry(&mut self, key: &'de KeyRef) -> Result<impl EntryVisitor<'de>, Self::Error> {
        let idx = match self.members.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                self.members.push((key, RawEntry::Item));
                self.members.len().saturating_sub(1)
            }
        };
        Ok(self.members.get_mut(idx).map(|(_, e)| {
            *e = RawEntry::Item;
            Entry(e)
        }))
    }

    fn finish(self) -> Result<Self::Out, Self::Error> {
        Ok(self.members)
    }
}

impl<'de> EntryVisitor<'de> for Entry<'_, 'de> {
    type Error = Infallible;

    fn item(self) -> Result<impl ItemVisitor<'de>, Self::Error> {
        *self.0 = RawEntry::Item;
        Ok(Ignored)
    }

    fn inner_list(self) -> Result<impl InnerListVisitor<'de>, Self::Error> {
        *self.0 = RawEntry::List(RawList {
            items: Vec::with_capacity(8),
            params: Vec::with_capacity(6),
        });
        Ok(match self.0 {
            RawEntry::List(l) => Some(List(l)),
            RawEntry::Item => None,
        })
    }
}

impl<'de> InnerListVisitor<'de> for List<'_, 'de> {
    type Error = Infallible;

    fn item(&mut self) -> Result<impl ItemVisitor<'de>, Self::Error> {
        self.0.items.push(RawItem {
            bare: BareItemFromInput::Boolean(false),
            params: Vec::new(),
        });
        Ok(self.0.items.last_mut().map(Item))
    }

    fn finish(self) -> Result<impl ParameterVisitor<'de>, Self::Error> {
        Ok(ParamSink(&mut self.0.params))
    }
}

impl<'de> ItemVisitor<'de> for Item<'_, 'de> {
    type Out = ();
    type Error = Infallible;

    fn bare_item(
        self,
        bare_item: BareItemFromInput<'de>,
    ) -> Result<impl ParameterVisitor<'de, Out = Self::Out>, Self::Error> {
        self.0.bare = bare_item;
        Ok(ParamSink(&mut self.0.params))
    }
}

impl<'de> ParameterVisitor<'de> for ParamSink<'_, 'de> {
    type Out = ();
    type Error = Infallible;

    fn parameter(
        &mut self,
        key: &'de KeyRef,
        value: BareItemFromInput<'de>,
    ) -> Result<(), Self::Error> {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key, value)),
        }
        Ok(())
    }

    fn finish(self) -> Result<Self::Out, Self::Error> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn duplicates_keep_position_and_last_value() {
        let m = parse(r#"a=("x";name="1";name="2");p=1;p=2, b=1, a=("y")"#).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].0.as_str(), "a");
        let RawEntry::List(l) = &m[0].1 else { panic!() };
        assert_eq!(l.items.len(), 1);
        assert_eq!(l.items[0].bare.as_string().unwrap().as_str(), "y");
        assert!(matches!(m[1].1, RawEntry::Item));
        let m = parse(r#"a=("x";name="1";name="2");p=1;p=2"#).unwrap();
        let RawEntry::List(l) = &m[0].1 else { panic!() };
        assert_eq!(l.items[0].params.len(), 1);
        assert_eq!(l.param("p").unwrap().as_integer().map(i64::from), Some(2));
        assert!(parse("a=(").is_err());
    }

    /// The visitor and sfv's own `Dictionary` agree on members and on the
    /// re-serialization that becomes `@signature-params`.
    #[test]
    fn agrees_with_sfv_dictionary() {
        for input in [
            r#"sig1=("@method" "@query-param";name="a%20b");created=1;keyid="k\"q\\";tag="t""#,
            r#"a=(), b=( "x"   "y" );p=?1;q=1.5;r=tok;s=:AQID:, a=("z");n=1;n=2"#,
            r#"x=1, y=("@path");alg="ed25519", x=("@status";req)"#,
            "",
        ] {
            let ours = parse(input).unwrap();
            let theirs: sfv::Dictionary = sfv::Parser::new(input).parse().unwrap();
            assert_eq!(ours.len(), theirs.len(), "{input}");
            for ((k, e), (tk, te)) in ours.iter().zip(&theirs) {
                assert_eq!(k.as_str(), tk.as_str());
                match (e, te) {
                    (RawEntry::List(l), sfv::ListEntry::InnerList(tl)) => {
                        let mut a = String::new();
                        let mut ser = sfv::ListSerializer::with_buffer(&mut a);
                        let mut inner = ser.inner_list();
                        for item in &l.items {
                            let _ = inner
                                .bare_item(&item.bare)
                                .parameters(item.params.iter().map(|(k, v)| (*k, v)));
                        }
                        let _ = inner
                            .finish()
                            .parameters(l.params.iter().map(|(k, v)| (*k, v)));
                        let mut b = String::new();
                        let mut ser = sfv::ListSerializer::with_buffer(&mut b);
                        let mut inner = ser.inner_list();
                        inner.items(&tl.items);
                        let _ = inner.finish().parameters(&tl.params);
                        assert_eq!(a, b, "{input}");
                    }
                    (RawEntry::Item, sfv::ListEntry::Item(_)) => {}
                    _ => panic!("{input}: kinds differ"),
                }
            }
        }
    }
}
