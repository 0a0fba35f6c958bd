// The ONNX protobuf schema (onnx/onnx.proto, IR version 10) as a protobufjs JSON descriptor:
// message and field names, numbers and types are the spec's; only what mlsec reads is listed
// (unknown fields are skipped on decode).

const field = (type: string, id: number, rule?: "repeated") =>
  rule === undefined ? { type, id } : { type, id, rule };

export const ONNX_SCHEMA = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: field("string", 1),
            refAttrName: field("string", 21),
            docString: field("string", 13),
            type: field("int32", 20),
            f: field("float", 2),
            i: field("int64", 3),
            s: field("bytes", 4),
            t: field("TensorProto", 5),
            g: field("GraphProto", 6),
            sparseTensor: field("SparseTensorProto", 22),
            tp: field("TypeProto", 14),
            floats: field("float", 7, "repeated"),
            ints: field("int64", 8, "repeated"),
            strings: field("bytes", 9, "repeated"),
            tensors: field("TensorProto", 10, "repeated"),
            graphs: field("GraphProto", 11, "repeated"),
            sparseTensors: field("SparseTensorProto", 23, "repeated"),
            typeProtos: field("TypeProto", 15, "repeated"),
          },
        },
        ValueInfoProto: {
          fields: {
            name: field("string", 1),
            type: field("TypeProto", 2),
            docString: field("string", 3),
          },
        },
        NodeProto: {
          fields: {
            input: field("string", 1, "repeated"),
            output: field("string", 2, "repeated"),
            name: field("string", 3),
            opType: field("string", 4),
            domain: field("string", 7),
            attribute: field("AttributeProto", 5, "repeated"),
            docString: field("string", 6),
          },
        },
        StringStringEntryProto: {
          fields: { key: field("string", 1), value: field("string", 2) },
        },
        OperatorSetIdProto: {
          fields: { domain: field("string", 1), version: field("int64", 2) },
        },
        ModelProto: {
          fields: {
            irVersion: field("int64", 1),
            opsetImport: field("OperatorSetIdProto", 8, "repeated"),
            producerName: field("string", 2),
            producerVersion: field("string", 3),
            domain: field("string", 4),
            modelVersion: field("int64", 5),
            docString: field("string", 6),
            graph: field("GraphProto", 7),
            metadataProps: field("StringStringEntryProto", 14, "repeated"),
            functions: field("FunctionProto", 25, "repeated"),
          },
        },
        FunctionProto: {
          fields: {
            name: field("string", 1),
            input: field("string", 4, "repeated"),
            output: field("string", 5, "repeated"),
            attribute: field("string", 6, "repeated"),
            node: field("NodeProto", 7, "repeated"),
            docString: field("string", 8),
            opsetImport: field("OperatorSetIdProto", 9, "repeated"),
            domain: field("string", 10),
          },
        },
        GraphProto: {
          fields: {
            node: field("NodeProto", 1, "repeated"),
            name: field("string", 2),
            initializer: field("TensorProto", 5, "repeated"),
            sparseInitializer: field("SparseTensorProto", 15, "repeated"),
            docString: field("string", 10),
            input: field("ValueInfoProto", 11, "repeated"),
            output: field("ValueInfoProto", 12, "repeated"),
            valueInfo: field("ValueInfoProto", 13, "repeated"),
          },
        },
        TensorProto: {
          fields: {
            dims: field("int64", 1, "repeated"),
            dataType: field("int32", 2),
            floatData: field("float", 4, "repeated"),
            int32Data: field("int32", 5, "repeated"),
            stringData: field("bytes", 6, "repeated"),
            int64Data: field("int64", 7, "repeated"),
            name: field("string", 8),
            docString: field("string", 12),
            rawData: field("bytes", 9),
            externalData: field("StringStringEntryProto", 13, "repeated"),
            dataLocation: field("int32", 14),
            doubleData: field("double", 10, "repeated"),
            uint64Data: field("uint64", 11, "repeated"),
          },
        },
        SparseTensorProto: {
          fields: {
            values: field("TensorProto", 1),
            indices: field("TensorProto", 2),
            dims: field("int64", 3, "repeated"),
          },
        },
        TensorShapeProto: {
          fields: { dim: field("Dimension", 1, "repeated") },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: {
                dimValue: field("int64", 1),
                dimParam: field("string", 2),
                denotation: field("string", 3),
              },
            },
          },
        },
        TypeProto: {
          oneofs: {
            value: {
              oneof: ["tensorType", "sequenceType", "mapType", "optionalType", "sparseTensorType"],
            },
          },
          fields: {
            tensorType: field("Tensor", 1),
            sequenceType: field("Sequence", 4),
            mapType: field("Map", 5),
            optionalType: field("Optional", 9),
            sparseTensorType: field("SparseTensor", 8),
            denotation: field("string", 6),
          },
          nested: {
            Tensor: {
              fields: { elemType: field("int32", 1), shape: field("TensorShapeProto", 2) },
            },
            Sequence: { fields: { elemType: field("TypeProto", 1) } },
            Map: { fields: { keyType: field("int32", 1), valueType: field("TypeProto", 2) } },
            Optional: { fields: { elemType: field("TypeProto", 1) } },
            SparseTensor: {
              fields: { elemType: field("int32", 1), shape: field("TensorShapeProto", 2) },
            },
          },
        },
      },
    },
  },
} as const;
