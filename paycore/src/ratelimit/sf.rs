//! Allocation-light visitors over the Structured-Field Lists of the draft -10
//! fields: only the parameters paycore reads are kept.

use std::borrow::Cow;
use std::convert::Infallible;

use sfv::visitor::{
    EntryVisitor, Ignored, InnerListVisitor, ItemVisitor, ListVisitor, ParameterVisitor,
};
use sfv::{BareItemFromInput, KeyRef, Parser, StringRef};

/// The bare item of a list member.
#[derive(Debug, Default)]
pub(crate) enum Name<'de> {
    /// A String (draft -08 and later: a policy name).
    Str(Cow<'de, StringRef>),
    /// An Integer (drafts -00..-07: an unnamed quota).
    Int(i64),
    /// Anything else, or an inner list.
    #[default]
    Other,
}

/// One list member with the parameters paycore reads. A parameter of the
/// wrong type (or a negative integer) reads as absent; the last occurrence of
/// a parameter wins (RFC 9651 §4.2.3.2).
#[derive(Debug, Default)]
pub(crate) struct RawItem<'de> {
    pub(crate) name: Name<'de>,
    pub(crate) q: Option<u64>,
    pub(crate) w: Option<u64>,
    pub(crate) r: Option<u64>,
    pub(crate) t: Option<u64>,
    pub(crate) qu: Option<String>,
    pub(crate) pk: Option<Vec<u8>>,
}

/// Parses `input` as a List; `None` if it is not one.
pub(crate) fn parse_list(input: &str) -> Option<Vec<RawItem<'_>>> {
    Parser::new(input.as_bytes())
        .parse_list_with_visitor(Items::default())
        .ok()
}

#[derive(Default)]
struct Items<'de>(Vec<RawItem<'de>>);

impl<'de> ListVisitor<'de> for Items<'de> {
    type Out = Vec<RawItem<'de>>;
    type Error = Infallible;

    fn entry(&mut self) -> Result<impl EntryVisitor<'de>, Self::Error> {
        Ok(self)
    }

    fn finish(self) -> Result<Self::Out, Self::Error> {
        Ok(self.0)
    }
}

impl<'de> EntryVisitor<'de> for &mut Items<'de> {
    type Error = Infallible;

    fn item(self) -> Result<impl ItemVisitor<'de>, Self::Error> {
        self.0.push(RawItem::default());
        Ok(self.0.last_mut())
    }

    fn inner_list(self) -> Result<impl InnerListVisitor<'de>, Self::Error> {
        self.0.push(RawItem::default());
        Ok(Ignored)
    }
}

impl<'de> ItemVisitor<'de> for &mut RawItem<'de> {
    type Out = ();
    type Error = Infallible;

    fn bare_item(
        self,
        bare_item: BareItemFromInput<'de>,
    ) -> Result<impl ParameterVisitor<'de, Out = Self::Out>, Self::Error> {
        self.name = match bare_item {
            BareItemFromInput::String(s) => Name::Str(s),
            BareItemFromInput::Integer(i) => Name::Int(i64::from(i)),
            _ => Name::Other,
        };
        Ok(self)
    }
}

fn non_negative(v: &BareItemFromInput<'_>) -> Option<u64> {
    v.as_integer().and_then(|i| u64::try_from(i).ok())
}

impl<'de> ParameterVisitor<'de> for &mut RawItem<'de> {
    type Out = ();
    type Error = Infallible;

    fn parameter(
        &mut self,
        key: &'de KeyRef,
        value: BareItemFromInput<'de>,
    ) -> Result<(), Self::Error> {
        match key.as_str() {
            "q" => self.q = non_negative(&value),
            "w" => self.w = non_negative(&value),
            "r" => self.r = non_negative(&value),
            "t" => self.t = non_negative(&value),
            "qu" => {
                self.qu = match value {
                    BareItemFromInput::String(s) => Some(s.as_str().to_owned()),
                    BareItemFromInput::Token(t) => Some(t.as_str().to_owned()),
                    _ => None,
                }
            }
            "pk" => {
                self.pk = match value {
                    BareItemFromInput::ByteSequence(b) => Some(b),
                    _ => None,
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(self) -> Result<Self::Out, Self::Error> {
        Ok(())
    }
}
