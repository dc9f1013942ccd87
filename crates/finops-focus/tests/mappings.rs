//! Each mapping on sample items: the exact rows (as CSV records, which show every cell), and the
//! typed error of each value a mapping refuses.

use finops_focus::{
    CloudHealthStatements, CsvWriter, Mapping, MappingError, PartnerBillingReconciliation, PartnerBillingUsage,
    Problem, RespanCreditTransactions, RowWriter,
};
use serde_json::{Value, json};

/// The CSV records (without the header) of every row of `items`.
fn records<M: Mapping>(mapping: &M, items: &[Value]) -> Vec<String>
where
    M::Item: serde::de::DeserializeOwned,
{
    let mut writer = CsvWriter::new(Vec::new()).unwrap();
    for item in items {
        let item: M::Item = serde_json::from_value(item.clone()).unwrap();
        for row in mapping.rows(&item).unwrap() {
            writer.write(&row).unwrap();
        }
    }
    let text = String::from_utf8(writer.finish().unwrap()).unwrap();
    text.lines().skip(1).map(str::to_string).collect()
}

/// The error `mapping` gives for `item`.
fn refusal<M: Mapping>(mapping: &M, item: Value) -> MappingError
where
    M::Item: serde::de::DeserializeOwned,
{
    let item: M::Item = serde_json::from_value(item).unwrap();
    mapping.rows(&item).unwrap_err()
}

const HEADER: &str = "BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,ConsumedQuantity,ConsumedUnit,ContractedCost,EffectiveCost,InvoiceId,InvoiceIssuerName,ListCost,ListUnitPrice,PricingCategory,PricingQuantity,PricingUnit,ProviderName,PublisherName,RegionId,RegionName,ResourceId,ResourceName,ServiceCategory,ServiceName,ServiceSubcategory,SkuId,SkuPriceId,SubAccountId,SubAccountName,Tags,x_CustomerId,x_CustomerName";

#[test]
fn the_header_names_every_focus_column_in_order() {
    let text = String::from_utf8(CsvWriter::new(Vec::new()).unwrap().finish().unwrap()).unwrap();
    assert_eq!(text, format!("{HEADER}\n"));
}

fn usage(overrides: Value) -> Value {
    let mut item = json!({
        "PartnerId": "3b33e682-00c3-41ee-9dd2-a548adf56438", "PartnerName": "Contoso Partner",
        "CustomerId": "c1a2b3c4-0000-4000-8000-000000000001", "CustomerName": "Fabrikam",
        "InvoiceNumber": "G016907411", "ChargeType": "new",
        "ChargeStartDate": "2024-01-01T00:00:00Z", "ChargeEndDate": "2024-02-01T00:00:00Z",
        "UsageDate": "2024-01-15T00:00:00Z",
        "BillingCurrency": "USD", "PricingCurrency": "USD", "PCToBCExchangeRate": 1,
        "BillingPreTaxTotal": 1.68, "UnitPrice": 0.14, "EffectiveUnitPrice": 0.14, "Quantity": 12,
        "UnitType": "1 Hour", "Unit": "1 Hour",
        "MeterCategory": "Virtual Machines", "MeterName": "D2 v3", "MeterId": "8f1e3a63-d9f8-4c1a-a8e7-4c1b2a0c9d11",
        "MeterRegion": "US East", "ResourceLocation": "eastus",
        "ProductName": "Azure plan", "ProductId": "DZH318Z0BQ3Q", "SkuId": "0001", "PublisherName": "Microsoft",
        "SubscriptionId": "6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b", "SubscriptionDescription": "Production",
        "ResourceURI": "/subscriptions/6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b/resourceGroups/web/providers/Microsoft.Compute/virtualMachines/web-01",
        "Tags": "{\"env\":\"prod\",\"team\":\"web\"}"
    });
    item.as_object_mut()
        .unwrap()
        .extend(overrides.as_object().unwrap().clone());
    item
}

#[test]
fn partner_billing_usage_lines_become_exact_rows() {
    let items = [
        // An ordinary billed line.
        usage(json!({})),
        // In euros, priced in dollars: the list price converted at the line's rate.
        usage(json!({"BillingCurrency": "EUR", "PCToBCExchangeRate": 0.9234, "BillingPreTaxTotal": 1.55, "Tags": ""})),
        // A refund of usage: negative amounts, as given.
        usage(json!({"ChargeType": "refund", "BillingPreTaxTotal": -1.68, "Quantity": -12})),
        // Free: a zero cost.
        usage(
            json!({"BillingPreTaxTotal": 0, "UnitPrice": 0, "MeterCategory": "Bandwidth", "MeterName": "Data Transfer In"}),
        ),
        // Covered by Azure credit: the line as billed, flagged by its credit type.
        usage(json!({"CreditType": "Azure Credit Applied", "CreditPercentage": "100", "BillingPreTaxTotal": 0})),
        // A usage day in UTC-8 crosses midnight UTC; unbilled (no invoice, no charge type);
        // an inclusive end date; US dates.
        usage(
            json!({"UsageDate": "2024-01-15T00:00:00-08:00", "InvoiceNumber": "", "ChargeType": null, "ChargeEndDate": "1/31/2024", "ChargeStartDate": "1/1/2024", "MeterCategory": "Some New Service", "ResourceURI": null, "ResourceLocation": null, "SubscriptionDescription": null, "UnitPrice": null}),
        ),
    ];
    assert_eq!(
        records(&PartnerBillingUsage, &items),
        [
            "1.68,3b33e682-00c3-41ee-9dd2-a548adf56438,Contoso Partner,USD,2024-02-01T00:00:00Z,2024-01-01T00:00:00Z,Usage,,Azure plan: D2 v3,Usage-Based,2024-01-16T00:00:00Z,2024-01-15T00:00:00Z,12.0,1 Hour,1.68,1.68,G016907411,Microsoft,1.68,0.14,Standard,12.0,1 Hour,Microsoft,Microsoft,eastus,US East,/subscriptions/6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b/resourceGroups/web/providers/Microsoft.Compute/virtualMachines/web-01,web-01,Compute,Virtual Machines,Other (Compute),DZH318Z0BQ3Q/0001,8f1e3a63-d9f8-4c1a-a8e7-4c1b2a0c9d11,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,Production,\"{\"\"env\"\":\"\"prod\"\",\"\"team\"\":\"\"web\"\"}\",c1a2b3c4-0000-4000-8000-000000000001,Fabrikam",
            "1.55,3b33e682-00c3-41ee-9dd2-a548adf56438,Contoso Partner,EUR,2024-02-01T00:00:00Z,2024-01-01T00:00:00Z,Usage,,Azure plan: D2 v3,Usage-Based,2024-01-16T00:00:00Z,2024-01-15T00:00:00Z,12.0,1 Hour,1.551312,1.55,G016907411,Microsoft,1.551312,0.129276,Standard,12.0,1 Hour,Microsoft,Microsoft,eastus,US East,/subscriptions/6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b/resourceGroups/web/providers/Microsoft.Compute/virtualMachines/web-01,web-01,Compute,Virtual Machines,Other (Compute),DZH318Z0BQ3Q/0001,8f1e3a63-d9f8-4c1a-a8e7-4c1b2a0c9d11,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,Production,,c1a2b3c4-0000-4000-8000-000000000001,Fabrikam",
            "-1.68,3b33e682-00c3-41ee-9dd2-a548adf56438,Contoso Partner,USD,2024-02-01T00:00:00Z,2024-01-01T00:00:00Z,Usage,,Azure plan: D2 v3,Usage-Based,2024-01-16T00:00:00Z,2024-01-15T00:00:00Z,-12.0,1 Hour,-1.68,-1.68,G016907411,Microsoft,-1.68,0.14,Standard,-12.0,1 Hour,Microsoft,Microsoft,eastus,US East,/subscriptions/6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b/resourceGroups/web/providers/Microsoft.Compute/virtualMachines/web-01,web-01,Compute,Virtual Machines,Other (Compute),DZH318Z0BQ3Q/0001,8f1e3a63-d9f8-4c1a-a8e7-4c1b2a0c9d11,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,Production,\"{\"\"env\"\":\"\"prod\"\",\"\"team\"\":\"\"web\"\"}\",c1a2b3c4-0000-4000-8000-000000000001,Fabrikam",
            "0.0,3b33e682-00c3-41ee-9dd2-a548adf56438,Contoso Partner,USD,2024-02-01T00:00:00Z,2024-01-01T00:00:00Z,Usage,,Azure plan: Data Transfer In,Usage-Based,2024-01-16T00:00:00Z,2024-01-15T00:00:00Z,12.0,1 Hour,0.0,0.0,G016907411,Microsoft,0.0,0.0,Standard,12.0,1 Hour,Microsoft,Microsoft,eastus,US East,/subscriptions/6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b/resourceGroups/web/providers/Microsoft.Compute/virtualMachines/web-01,web-01,Networking,Bandwidth,Other (Networking),DZH318Z0BQ3Q/0001,8f1e3a63-d9f8-4c1a-a8e7-4c1b2a0c9d11,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,Production,\"{\"\"env\"\":\"\"prod\"\",\"\"team\"\":\"\"web\"\"}\",c1a2b3c4-0000-4000-8000-000000000001,Fabrikam",
            "0.0,3b33e682-00c3-41ee-9dd2-a548adf56438,Contoso Partner,USD,2024-02-01T00:00:00Z,2024-01-01T00:00:00Z,Usage,,Azure plan: D2 v3,Usage-Based,2024-01-16T00:00:00Z,2024-01-15T00:00:00Z,12.0,1 Hour,1.68,0.0,G016907411,Microsoft,1.68,0.14,Standard,12.0,1 Hour,Microsoft,Microsoft,eastus,US East,/subscriptions/6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b/resourceGroups/web/providers/Microsoft.Compute/virtualMachines/web-01,web-01,Compute,Virtual Machines,Other (Compute),DZH318Z0BQ3Q/0001,8f1e3a63-d9f8-4c1a-a8e7-4c1b2a0c9d11,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,Production,\"{\"\"env\"\":\"\"prod\"\",\"\"team\"\":\"\"web\"\"}\",c1a2b3c4-0000-4000-8000-000000000001,Fabrikam",
            "1.68,3b33e682-00c3-41ee-9dd2-a548adf56438,Contoso Partner,USD,2024-02-01T00:00:00Z,2024-01-01T00:00:00Z,Usage,,Azure plan: D2 v3,Usage-Based,2024-01-16T08:00:00Z,2024-01-15T08:00:00Z,12.0,1 Hour,1.68,1.68,,Microsoft,1.68,,Standard,12.0,1 Hour,Microsoft,Microsoft,,,,,Other,Some New Service,Other (Other),DZH318Z0BQ3Q/0001,8f1e3a63-d9f8-4c1a-a8e7-4c1b2a0c9d11,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,\"{\"\"env\"\":\"\"prod\"\",\"\"team\"\":\"\"web\"\"}\",c1a2b3c4-0000-4000-8000-000000000001,Fabrikam",
        ]
    );
}

#[test]
fn respan_credit_transactions_become_exact_rows() {
    let transaction = |id: &str, kind: &str, amount: Value, at: &str| {
        json!({"id": id, "organization_subscription": 2345, "unique_organization_id": "d290f1ee-6c54-4b01-90e6-d701748f0851",
               "amount": amount, "transaction_type": kind, "created_at": at, "expires_at": null,
               "description": format!("{kind} {id}"), "stripe_payment_intent_id": "", "metadata": {}})
    };
    let items = [
        // Credits bought: a purchase, billed now, its effective cost left to the usage it covers.
        transaction("ct_1", "purchase", json!(150), "2024-01-15T09:30:00Z"),
        // Money returned: a negative purchase.
        transaction("ct_2", "refund", json!(-150), "2024-01-20T10:00:00Z"),
        // Free credits, recorded at 02:00 in UTC+5: the evening before, in UTC.
        transaction("ct_3", "grant", json!(25.5), "2024-01-16T02:00:00+05:00"),
        // A zero bonus.
        transaction("ct_4", "bonus", json!(0), "2024-01-31T23:59:59Z"),
        // Credits taken back by an administrator: a positive adjustment of cost.
        transaction("ct_5", "adjustment", json!(-10.25), "2024-02-01T00:00:00Z"),
    ];
    assert_eq!(
        records(&RespanCreditTransactions, &items),
        [
            "150.0,d290f1ee-6c54-4b01-90e6-d701748f0851,,USD,2024-02-01T00:00:00Z,2024-01-01T00:00:00Z,Purchase,,purchase ct_1,One-Time,2024-01-16T00:00:00Z,2024-01-15T00:00:00Z,,,150.0,0.0,,Respan,150.0,1.0,Standard,150.0,USD Credits,Respan,Respan,,,,,AI and Machine Learning,Respan,Other (AI and Machine Learning),,,,,,,",
            "-150.0,d290f1ee-6c54-4b01-90e6-d701748f0851,,USD,2024-02-01T00:00:00Z,2024-01-01T00:00:00Z,Purchase,,refund ct_2,One-Time,2024-01-21T00:00:00Z,2024-01-20T00:00:00Z,,,-150.0,0.0,,Respan,-150.0,1.0,Standard,-150.0,USD Credits,Respan,Respan,,,,,AI and Machine Learning,Respan,Other (AI and Machine Learning),,,,,,,",
            "-25.5,d290f1ee-6c54-4b01-90e6-d701748f0851,,USD,2024-02-01T00:00:00Z,2024-01-01T00:00:00Z,Credit,,grant ct_3,One-Time,2024-01-16T00:00:00Z,2024-01-15T00:00:00Z,,,-25.5,-25.5,,Respan,-25.5,,,,,Respan,Respan,,,,,AI and Machine Learning,Respan,Other (AI and Machine Learning),,,,,,,",
            "0.0,d290f1ee-6c54-4b01-90e6-d701748f0851,,USD,2024-02-01T00:00:00Z,2024-01-01T00:00:00Z,Credit,,bonus ct_4,One-Time,2024-02-01T00:00:00Z,2024-01-31T00:00:00Z,,,0.0,0.0,,Respan,0.0,,,,,Respan,Respan,,,,,AI and Machine Learning,Respan,Other (AI and Machine Learning),,,,,,,",
            "10.25,d290f1ee-6c54-4b01-90e6-d701748f0851,,USD,2024-03-01T00:00:00Z,2024-02-01T00:00:00Z,Adjustment,,adjustment ct_5,One-Time,2024-02-02T00:00:00Z,2024-02-01T00:00:00Z,,,10.25,10.25,,Respan,10.25,,,,,Respan,Respan,,,,,AI and Machine Learning,Respan,Other (AI and Machine Learning),,,,,,,",
        ]
    );
}

#[test]
fn cloudhealth_statements_become_exact_rows() {
    let mapping = CloudHealthStatements {
        partner: "Contoso Cloud Services".into(),
        customer_id: Some(1211),
    };
    let statement = |customer: Value, cloud: &str, total: Value, currency: &str| {
        json!({"customer_id": customer, "cloud": cloud, "billing_period": "2020-12", "total_amount": total, "status": "Final",
               "detailed_billing_records_generation_time": "2020-12-23 23:59:11", "currency": {"name": currency, "symbol": "$"}})
    };
    let items = [
        statement(json!(1211), "AWS", json!(211523.09), "USD"),
        // No customer in the statement: the one the request named.
        statement(Value::Null, "Azure", json!(1830.5), "EUR"),
        // Nothing to bill.
        statement(json!(1212), "GCP", json!(0), "USD"),
        // More credits than charges.
        statement(json!(1213), "AWS", json!(-42.1), "usd"),
    ];
    assert_eq!(
        records(&mapping, &items),
        [
            "211523.09,1211,,USD,2021-01-01T00:00:00Z,2020-12-01T00:00:00Z,Usage,,AWS statement for 2020-12,Usage-Based,2021-01-01T00:00:00Z,2020-12-01T00:00:00Z,,,211523.09,211523.09,,Contoso Cloud Services,211523.09,,Other,1.0,Month,Contoso Cloud Services,AWS,,,,,Other,AWS,Other (Other),,,,,,1211,",
            "1830.5,1211,,EUR,2021-01-01T00:00:00Z,2020-12-01T00:00:00Z,Usage,,Azure statement for 2020-12,Usage-Based,2021-01-01T00:00:00Z,2020-12-01T00:00:00Z,,,1830.5,1830.5,,Contoso Cloud Services,1830.5,,Other,1.0,Month,Contoso Cloud Services,Azure,,,,,Other,Azure,Other (Other),,,,,,1211,",
            "0.0,1212,,USD,2021-01-01T00:00:00Z,2020-12-01T00:00:00Z,Usage,,GCP statement for 2020-12,Usage-Based,2021-01-01T00:00:00Z,2020-12-01T00:00:00Z,,,0.0,0.0,,Contoso Cloud Services,0.0,,Other,1.0,Month,Contoso Cloud Services,GCP,,,,,Other,GCP,Other (Other),,,,,,1212,",
            "-42.1,1213,,USD,2021-01-01T00:00:00Z,2020-12-01T00:00:00Z,Usage,,AWS statement for 2020-12,Usage-Based,2021-01-01T00:00:00Z,2020-12-01T00:00:00Z,,,-42.1,-42.1,,Contoso Cloud Services,-42.1,,Other,1.0,Month,Contoso Cloud Services,AWS,,,,,Other,AWS,Other (Other),,,,,,1213,",
        ]
    );
}

#[test]
fn values_a_mapping_cannot_place_are_typed_errors_naming_the_item() {
    let expect = |error: MappingError, source: &str, item: &str, problem: Problem| {
        assert_eq!(
            error,
            MappingError {
                source: leak(source),
                item: item.to_string(),
                problem
            }
        );
    };
    fn leak(text: &str) -> &'static str {
        Box::leak(text.to_string().into_boxed_str())
    }
    let ms = "Microsoft partner billing usage line item";
    let line = "of subscription 6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b on 2024-01-15T00:00:00Z (meter 8f1e3a63-d9f8-4c1a-a8e7-4c1b2a0c9d11)";
    let usage_refusal = |overrides: Value| refusal(&PartnerBillingUsage, usage(overrides));
    expect(
        usage_refusal(json!({"ChargeType": "renew"})),
        ms,
        line,
        Problem::Unknown {
            field: "ChargeType",
            value: "renew".into(),
        },
    );
    expect(
        usage_refusal(json!({"BillingCurrency": "EURO"})),
        ms,
        line,
        Problem::Currency {
            field: "BillingCurrency",
            value: "EURO".into(),
        },
    );
    expect(
        usage_refusal(json!({"BillingCurrency": "XYZ"})),
        ms,
        line,
        Problem::Currency {
            field: "BillingCurrency",
            value: "XYZ".into(),
        },
    );
    expect(
        usage_refusal(json!({"ChargeStartDate": "15.01.2024"})),
        ms,
        line,
        Problem::Date {
            field: "ChargeStartDate",
            value: "15.01.2024".into(),
        },
    );
    expect(
        usage_refusal(json!({"BillingPreTaxTotal": null})),
        ms,
        line,
        Problem::Missing {
            field: "BillingPreTaxTotal",
        },
    );
    expect(
        usage_refusal(json!({"BillingPreTaxTotal": 1e300})),
        ms,
        line,
        Problem::Amount {
            field: "BillingPreTaxTotal",
            value: 1e300.to_string(),
        },
    );
    expect(
        usage_refusal(json!({"PartnerId": " "})),
        ms,
        line,
        Problem::Missing { field: "PartnerId" },
    );
    expect(
        usage_refusal(json!({"Tags": "env=prod"})),
        ms,
        line,
        Problem::Tags {
            field: "Tags",
            value: "env=prod".into(),
        },
    );
    expect(
        usage_refusal(json!({"BillingCurrency": "EUR", "PCToBCExchangeRate": null})),
        ms,
        line,
        Problem::Missing {
            field: "PCToBCExchangeRate",
        },
    );
    let error = usage_refusal(json!({"ChargeEndDate": "2023-12-31"}));
    assert!(
        matches!(
            error.problem,
            Problem::Period {
                field: "ChargeStartDate",
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "{ms} {line}: `ChargeStartDate` ends (2024-01-01 00:00:00 UTC) before it starts (2024-01-01 00:00:00 UTC)"
        )
    );

    let respan = "Respan credit transaction";
    let transaction = |overrides: Value| {
        let mut item = json!({"id": "ct_9", "unique_organization_id": "org", "amount": 5, "transaction_type": "purchase", "created_at": "2024-01-15T09:30:00Z"});
        item.as_object_mut()
            .unwrap()
            .extend(overrides.as_object().unwrap().clone());
        refusal(&RespanCreditTransactions, item)
    };
    expect(
        transaction(json!({"transaction_type": "chargeback"})),
        respan,
        "ct_9",
        Problem::Unknown {
            field: "transaction_type",
            value: "chargeback".into(),
        },
    );
    expect(
        transaction(json!({"amount": null})),
        respan,
        "ct_9",
        Problem::Missing { field: "amount" },
    );
    expect(
        transaction(json!({"created_at": null})),
        respan,
        "ct_9",
        Problem::Missing { field: "created_at" },
    );
    expect(
        transaction(json!({"unique_organization_id": ""})),
        respan,
        "ct_9",
        Problem::Missing {
            field: "unique_organization_id",
        },
    );

    let cloudhealth = "CloudHealth customer statement";
    let statement = |mapping: &CloudHealthStatements, overrides: Value| {
        let mut item = json!({"customer_id": 7, "cloud": "AWS", "billing_period": "2020-12", "total_amount": 10.5, "currency": {"name": "USD"}});
        item.as_object_mut()
            .unwrap()
            .extend(overrides.as_object().unwrap().clone());
        refusal(mapping, item)
    };
    let named = CloudHealthStatements {
        partner: "Contoso".into(),
        customer_id: None,
    };
    expect(
        statement(&named, json!({"currency": {"name": "US$"}})),
        cloudhealth,
        "of customer 7 for AWS in 2020-12",
        Problem::Currency {
            field: "currency.name",
            value: "US$".into(),
        },
    );
    expect(
        statement(&named, json!({"billing_period": "December 2020"})),
        cloudhealth,
        "of customer 7 for AWS in December 2020",
        Problem::Date {
            field: "billing_period",
            value: "December 2020".into(),
        },
    );
    expect(
        statement(&named, json!({"billing_period": "2020-13"})),
        cloudhealth,
        "of customer 7 for AWS in 2020-13",
        Problem::Date {
            field: "billing_period",
            value: "2020-13".into(),
        },
    );
    expect(
        statement(&named, json!({"customer_id": null})),
        cloudhealth,
        "of customer ? for AWS in 2020-12",
        Problem::Missing { field: "customer_id" },
    );
    expect(
        statement(&named, json!({"total_amount": null})),
        cloudhealth,
        "of customer 7 for AWS in 2020-12",
        Problem::Missing { field: "total_amount" },
    );
    let unnamed = CloudHealthStatements {
        partner: "  ".into(),
        customer_id: None,
    };
    expect(
        statement(&unnamed, json!({})),
        cloudhealth,
        "of customer 7 for AWS in 2020-12",
        Problem::Missing { field: "partner" },
    );
}

#[test]
fn mappings_rows_and_writers_can_move_into_a_spawned_task() {
    fn spawnable<T: Send + Sync + 'static>() {}
    fn sendable<T: Send + 'static>() {}
    spawnable::<PartnerBillingUsage>();
    spawnable::<RespanCreditTransactions>();
    spawnable::<CloudHealthStatements>();
    spawnable::<finops_focus::Row>();
    spawnable::<MappingError>();
    sendable::<CsvWriter<std::fs::File>>();
    sendable::<finops_focus::ParquetWriter<std::fs::File>>();
}

fn reconciliation(overrides: Value) -> Value {
    let mut item = json!({
        "PartnerId": "3b33e682-00c3-41ee-9dd2-a548adf56438", "CustomerId": "c1a2b3c4-0000-4000-8000-000000000001",
        "CustomerName": "Fabrikam", "InvoiceNumber": "G016907411", "OrderId": "2bLbJYqqDyT2ToTb8yoBfXrkh7ZeEaRx1",
        "OrderDate": "6/18/2024", "ProductId": "CFQ7TTC0LH18", "SkuId": "0001", "AvailabilityId": "CFQ7TTC0KHX4",
        "SkuName": "Microsoft 365 Business Basic", "ProductName": "Microsoft 365 Business Basic", "ChargeType": "new",
        "UnitPrice": 6.0, "EffectiveUnitPrice": 6.0, "UnitType": "Licenses", "Quantity": 10, "BillableQuantity": 10,
        "Subtotal": 60.0, "TaxTotal": 4.8, "Total": 64.8, "Currency": "USD", "PricingCurrency": "USD", "PCToBCExchangeRate": 1,
        "PublisherName": "Microsoft Corporation", "SubscriptionId": "6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b",
        "SubscriptionDescription": "Microsoft 365 Business Basic", "ChargeStartDate": "6/18/2024", "ChargeEndDate": "7/17/2024",
        "TermAndBillingCycle": "One-Month commitment for monthly/recurring billing", "BillingFrequency": "Monthly",
        "ReservationOrderId": "", "ProductCategory": "OnlineServicesNCE"
    });
    item.as_object_mut()
        .unwrap()
        .extend(overrides.as_object().unwrap().clone());
    item
}

#[test]
fn partner_billing_reconciliation_lines_become_exact_rows() {
    let items = [
        // A new monthly licence with tax: the purchase, then its tax.
        reconciliation(json!({})),
        // Cancelled: the refund is negative, its quantity stays positive (as the files write it).
        reconciliation(
            json!({"ChargeType": "cancelImmediate", "Subtotal": -94.08, "TaxTotal": -7.53, "Total": -101.61, "EffectiveUnitPrice": -9.408}),
        ),
        // An Azure credit to the customer, in euros: a credit, without quantity.
        reconciliation(
            json!({"ChargeType": "customerCredit", "Subtotal": -12.5, "TaxTotal": 0, "Currency": "EUR", "BillingFrequency": "", "CreditReasonCode": "Azure Consumption Credit"}),
        ),
        // A trial turned paid at no charge: no tax row for zero tax.
        reconciliation(json!({"ChargeType": "convert", "Subtotal": 0, "TaxTotal": 0})),
        // A reservation, paid upfront: its effective cost is left to the usage it covers. Its
        // dates carry an offset: the start is the evening before, in UTC.
        reconciliation(
            json!({"ProductName": "Reserved VM Instance, Standard_D2s_v3, US East, 1 Year", "SkuName": null, "ReservationOrderId": "ro-1", "BillingFrequency": "", "Subtotal": 700.8, "TaxTotal": 56.06, "ChargeStartDate": "2024-07-01T02:00:00+05:00", "ChargeEndDate": "2025-06-30T23:59:59+05:00"}),
        ),
    ];
    assert_eq!(
        records(&PartnerBillingReconciliation, &items),
        [
            "60.0,3b33e682-00c3-41ee-9dd2-a548adf56438,,USD,2024-07-01T00:00:00Z,2024-06-01T00:00:00Z,Purchase,,Microsoft 365 Business Basic: new,Recurring,2024-07-18T00:00:00Z,2024-06-18T00:00:00Z,,,60.0,60.0,G016907411,Microsoft,60.0,,Standard,10.0,Licenses,Microsoft,Microsoft Corporation,,,,,Other,Microsoft 365 Business Basic,Other (Other),CFQ7TTC0LH18/0001,,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,Microsoft 365 Business Basic,,c1a2b3c4-0000-4000-8000-000000000001,Fabrikam",
            "4.8,3b33e682-00c3-41ee-9dd2-a548adf56438,,USD,2024-07-01T00:00:00Z,2024-06-01T00:00:00Z,Tax,,Tax on Microsoft 365 Business Basic: new,Recurring,2024-07-18T00:00:00Z,2024-06-18T00:00:00Z,,,4.8,4.8,G016907411,Microsoft,4.8,,,,,Microsoft,Microsoft Corporation,,,,,Other,Microsoft 365 Business Basic,Other (Other),,,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,Microsoft 365 Business Basic,,c1a2b3c4-0000-4000-8000-000000000001,Fabrikam",
            "-94.08,3b33e682-00c3-41ee-9dd2-a548adf56438,,USD,2024-07-01T00:00:00Z,2024-06-01T00:00:00Z,Purchase,,Microsoft 365 Business Basic: cancelImmediate,Recurring,2024-07-18T00:00:00Z,2024-06-18T00:00:00Z,,,-94.08,-94.08,G016907411,Microsoft,-94.08,,Standard,10.0,Licenses,Microsoft,Microsoft Corporation,,,,,Other,Microsoft 365 Business Basic,Other (Other),CFQ7TTC0LH18/0001,,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,Microsoft 365 Business Basic,,c1a2b3c4-0000-4000-8000-000000000001,Fabrikam",
            "-7.53,3b33e682-00c3-41ee-9dd2-a548adf56438,,USD,2024-07-01T00:00:00Z,2024-06-01T00:00:00Z,Tax,,Tax on Microsoft 365 Business Basic: cancelImmediate,Recurring,2024-07-18T00:00:00Z,2024-06-18T00:00:00Z,,,-7.53,-7.53,G016907411,Microsoft,-7.53,,,,,Microsoft,Microsoft Corporation,,,,,Other,Microsoft 365 Business Basic,Other (Other),,,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,Microsoft 365 Business Basic,,c1a2b3c4-0000-4000-8000-000000000001,Fabrikam",
            "-12.5,3b33e682-00c3-41ee-9dd2-a548adf56438,,EUR,2024-07-01T00:00:00Z,2024-06-01T00:00:00Z,Credit,,Microsoft 365 Business Basic: customerCredit,One-Time,2024-07-18T00:00:00Z,2024-06-18T00:00:00Z,,,-12.5,-12.5,G016907411,Microsoft,-12.5,,,,,Microsoft,Microsoft Corporation,,,,,Other,Microsoft 365 Business Basic,Other (Other),CFQ7TTC0LH18/0001,,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,Microsoft 365 Business Basic,,c1a2b3c4-0000-4000-8000-000000000001,Fabrikam",
            "0.0,3b33e682-00c3-41ee-9dd2-a548adf56438,,USD,2024-07-01T00:00:00Z,2024-06-01T00:00:00Z,Purchase,,Microsoft 365 Business Basic: convert,Recurring,2024-07-18T00:00:00Z,2024-06-18T00:00:00Z,,,0.0,0.0,G016907411,Microsoft,0.0,,Standard,10.0,Licenses,Microsoft,Microsoft Corporation,,,,,Other,Microsoft 365 Business Basic,Other (Other),CFQ7TTC0LH18/0001,,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,Microsoft 365 Business Basic,,c1a2b3c4-0000-4000-8000-000000000001,Fabrikam",
            "700.8,3b33e682-00c3-41ee-9dd2-a548adf56438,,USD,2024-07-01T00:00:00Z,2024-06-01T00:00:00Z,Purchase,,\"Reserved VM Instance, Standard_D2s_v3, US East, 1 Year: new\",One-Time,2025-06-30T19:00:00Z,2024-06-30T21:00:00Z,,,700.8,0.0,G016907411,Microsoft,700.8,,Standard,10.0,Licenses,Microsoft,Microsoft Corporation,,,,,Other,\"Reserved VM Instance, Standard_D2s_v3, US East, 1 Year\",Other (Other),CFQ7TTC0LH18/0001,,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,Microsoft 365 Business Basic,,c1a2b3c4-0000-4000-8000-000000000001,Fabrikam",
            "56.06,3b33e682-00c3-41ee-9dd2-a548adf56438,,USD,2024-07-01T00:00:00Z,2024-06-01T00:00:00Z,Tax,,\"Tax on Reserved VM Instance, Standard_D2s_v3, US East, 1 Year: new\",One-Time,2025-06-30T19:00:00Z,2024-06-30T21:00:00Z,,,56.06,0.0,G016907411,Microsoft,56.06,,,,,Microsoft,Microsoft Corporation,,,,,Other,\"Reserved VM Instance, Standard_D2s_v3, US East, 1 Year\",Other (Other),,,6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b,Microsoft 365 Business Basic,,c1a2b3c4-0000-4000-8000-000000000001,Fabrikam",
        ]
    );
}

#[test]
fn reconciliation_charge_types_the_files_do_not_document_are_refused() {
    let error = refusal(
        &PartnerBillingReconciliation,
        reconciliation(json!({"ChargeType": "usage"})),
    );
    assert_eq!(
        error.to_string(),
        "Microsoft partner billing reconciliation line item of order 2bLbJYqqDyT2ToTb8yoBfXrkh7ZeEaRx1 for subscription \
         6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b (usage): `ChargeType` \"usage\" is not a value the mapping knows"
    );
    let error = refusal(&PartnerBillingReconciliation, reconciliation(json!({"ChargeType": ""})));
    assert_eq!(error.problem, Problem::Missing { field: "ChargeType" });
    let error = refusal(
        &PartnerBillingReconciliation,
        reconciliation(json!({"BillableQuantity": null, "Quantity": null})),
    );
    assert_eq!(error.problem, Problem::Missing { field: "Quantity" });
    // Absent tax is not read as none.
    let error = refusal(&PartnerBillingReconciliation, reconciliation(json!({"TaxTotal": null})));
    assert_eq!(error.problem, Problem::Missing { field: "TaxTotal" });
    let error = refusal(&PartnerBillingReconciliation, reconciliation(json!({"UnitType": ""})));
    assert_eq!(error.problem, Problem::Missing { field: "UnitType" });
}

#[test]
fn a_last_day_written_at_midnight_is_charged_whole_and_a_one_day_line_is_one_day() {
    let rows = |start: &str, end: &str| {
        let item = reconciliation(json!({"ChargeStartDate": start, "ChargeEndDate": end, "TaxTotal": 0}));
        let item: partner_billing_client::types::ReconciliationLineItem = serde_json::from_value(item).unwrap();
        let row = PartnerBillingReconciliation.rows(&item).unwrap().remove(0);
        (row.charge_period_start.to_rfc3339(), row.charge_period_end.to_rfc3339())
    };
    // The v1 invoice line items write a licence's last day at midnight.
    assert_eq!(
        rows("2017-05-12T00:00:00", "2017-06-09T00:00:00"),
        ("2017-05-12T00:00:00+00:00".into(), "2017-06-10T00:00:00+00:00".into())
    );
    assert_eq!(
        rows("6/9/2024", "6/9/2024"),
        ("2024-06-09T00:00:00+00:00".into(), "2024-06-10T00:00:00+00:00".into())
    );
    // Midnight on the first of a month is the exclusive end the usage files write.
    assert_eq!(
        rows("2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"),
        ("2024-01-01T00:00:00+00:00".into(), "2024-02-01T00:00:00+00:00".into())
    );
}

#[test]
fn an_amount_is_the_decimal_the_server_wrote() {
    // 16 significant digits, which serde_json's default reading gets one unit off.
    let text = usage(json!({"BillingPreTaxTotal": 0}))
        .to_string()
        .replace("\"BillingPreTaxTotal\":0", "\"BillingPreTaxTotal\":91929172069365.75");
    let item: partner_billing_client::types::UsageLineItem = serde_json::from_str(&text).unwrap();
    let row = PartnerBillingUsage.rows(&item).unwrap().remove(0);
    assert_eq!(row.billed_cost.to_string(), "91929172069365.75");
}

#[test]
fn unit_prices_and_rates_below_zero_and_unknown_units_are_refused() {
    let usage_refusal = |overrides: Value| refusal(&PartnerBillingUsage, usage(overrides)).problem;
    assert_eq!(
        usage_refusal(json!({"UnitPrice": -0.14})),
        Problem::Amount {
            field: "UnitPrice",
            value: "-0.14".into()
        }
    );
    assert_eq!(
        usage_refusal(json!({"PCToBCExchangeRate": 0})),
        Problem::Amount {
            field: "PCToBCExchangeRate",
            value: "0".into()
        }
    );
    assert_eq!(
        usage_refusal(json!({"PCToBCExchangeRate": null, "PricingCurrency": null})),
        Problem::Missing {
            field: "PCToBCExchangeRate"
        }
    );
    assert_eq!(
        usage_refusal(json!({"UnitType": null, "Unit": " "})),
        Problem::Missing { field: "UnitType" }
    );
    // Without a unit price, nothing needs the rate.
    let item: partner_billing_client::types::UsageLineItem = serde_json::from_value(usage(
        json!({"UnitPrice": null, "PCToBCExchangeRate": null, "PricingCurrency": null}),
    ))
    .unwrap();
    assert_eq!(
        PartnerBillingUsage.rows(&item).unwrap()[0].list_cost.to_string(),
        "1.68"
    );
}

#[test]
fn times_past_what_focus_writes_are_refused() {
    let item: respan_client::types::CreditTransaction = serde_json::from_value(json!({
        "id": "ct_9", "unique_organization_id": "org", "amount": 5, "transaction_type": "purchase",
        "created_at": "9999-12-31T23:59:59Z"
    }))
    .unwrap();
    let error = RespanCreditTransactions.rows(&item).unwrap_err();
    assert!(
        matches!(
            error.problem,
            Problem::Date {
                field: "created_at",
                ..
            }
        ),
        "{error}"
    );
    let statement = CloudHealthStatements {
        partner: "Contoso".into(),
        customer_id: Some(7),
    };
    let error = refusal(
        &statement,
        json!({"cloud": "AWS", "billing_period": "9999-12", "total_amount": 1.0, "currency": {"name": "USD"}}),
    );
    assert!(
        matches!(
            error.problem,
            Problem::Date {
                field: "billing_period",
                ..
            }
        ),
        "{error}"
    );
}
