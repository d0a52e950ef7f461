//! `dsgen schema`: a JSON Schema (draft 2020-12) of the model's JSON form (`*.hcl.json`), built
//! from the same block table the loader validates with, so editors complete what dsgen accepts.

use super::{AttrDef, AttrType, BlockDef, ROOT};
use serde_json::{json, Map, Value};

pub fn json_schema() -> Value {
    let mut builder = Builder::default();
    let mut schema = builder.body(&ROOT);
    // Recursive blocks (a location holds locations) are written once under `$defs`.
    let mut defs = Map::new();
    while let Some(def) = builder.recursive.pop() {
        if !defs.contains_key(def.ident) {
            builder.stack.push(def);
            let body = builder.block(def);
            builder.stack.pop();
            defs.insert(def.ident.to_string(), body);
        }
    }
    if let Value::Object(map) = &mut schema {
        if !defs.is_empty() {
            map.insert("$defs".into(), Value::Object(defs));
        }
        let mut head = Map::new();
        head.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        head.insert("$id".into(), json!("urn:dsgen:model"));
        head.insert(
            "title".into(),
            json!(format!(
                "dsgen model, JSON form (dsgen {})",
                env!("CARGO_PKG_VERSION")
            )),
        );
        head.insert(
            "description".into(),
            json!("A *.hcl.json model file: blocks are objects keyed by their labels, nested once per label; a list of bodies repeats a block."),
        );
        head.append(map);
        *map = head;
    }
    schema
}

#[derive(Default)]
struct Builder {
    /// Blocks being described, to spot a block nested in itself.
    stack: Vec<&'static BlockDef>,
    /// Blocks referred to by `$ref`, still to be written under `$defs`.
    recursive: Vec<&'static BlockDef>,
}

impl Builder {
    fn body(&mut self, def: &'static BlockDef) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for attr in def.attrs {
            properties.insert(attr.name.into(), attr_schema(attr));
            if attr.required {
                required.push(json!(attr.name));
            }
        }
        for child in def.blocks {
            let schema = if self.stack.iter().any(|d| std::ptr::eq(*d, *child)) {
                self.recursive.push(child);
                json!({ "$ref": format!("#/$defs/{}", child.ident) })
            } else {
                self.stack.push(child);
                let schema = self.block(child);
                self.stack.pop();
                schema
            };
            properties.insert(child.ident.into(), schema);
        }
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        if !def.doc.is_empty() {
            schema.insert("description".into(), json!(def.doc));
        }
        schema.insert("properties".into(), Value::Object(properties));
        // Settings keys belong to the target; the loader checks them against the platform's target.
        schema.insert("additionalProperties".into(), json!(def.open));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
        Value::Object(schema)
    }

    /// A block type's value: one object level per label, then a body or a list of bodies.
    fn block(&mut self, def: &'static BlockDef) -> Value {
        let body = self.body(def);
        let mut schema = if def.single {
            body
        } else {
            json!({ "oneOf": [body, { "type": "array", "items": body }] })
        };
        for label in def.labels.iter().rev() {
            schema = json!({
                "type": "object",
                "description": format!("`{}` blocks keyed by {}", def.ident, label),
                "additionalProperties": schema,
            });
        }
        schema
    }
}

fn attr_schema(attr: &AttrDef) -> Value {
    let mut schema = match attr.ty {
        AttrType::String => json!({ "type": "string" }),
        AttrType::Bool => json!({ "type": "boolean" }),
        AttrType::Integer { max } => json!({ "type": "integer", "minimum": 0, "maximum": max }),
        AttrType::StringList => json!({ "type": "array", "items": { "type": "string" } }),
        AttrType::StringMap => {
            json!({ "type": "object", "additionalProperties": { "type": "string" } })
        }
        AttrType::Enum(values) => json!({ "type": "string", "enum": values }),
        AttrType::Object(fields) => {
            let properties: Map<String, Value> = fields
                .iter()
                .map(|f| (f.name.to_string(), attr_schema(f)))
                .collect();
            json!({ "type": "object", "properties": properties, "additionalProperties": false })
        }
    };
    if let Value::Object(map) = &mut schema {
        map.insert("description".into(), json!(attr.doc));
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_describes_nested_labels_and_enums() {
        let schema = json_schema();
        let team = &schema["properties"]["team"];
        // team "ZONE" "TEAM": two label levels, then the body (or a list of bodies).
        let body = &team["additionalProperties"]["additionalProperties"]["oneOf"][0];
        assert_eq!(body["type"], "object");
        let workspace = &body["properties"]["workspace"]["additionalProperties"]["oneOf"][0];
        assert_eq!(
            workspace["properties"]["priority"]["enum"][0],
            json!("critical")
        );
        assert_eq!(workspace["required"], json!(["container"]));
        assert_eq!(
            schema["properties"]["ecosystem"]["additionalProperties"]["type"],
            "object"
        );
        // vendor › location › location...: the nested level refers back to the definition.
        let location = &schema["properties"]["vendor"]["additionalProperties"]["oneOf"][0]
            ["properties"]["location"];
        let inner = &location["additionalProperties"]["oneOf"][0]["properties"]["location"];
        assert_eq!(inner["$ref"], "#/$defs/location");
        assert!(schema["$defs"]["location"].is_object());
    }
}
