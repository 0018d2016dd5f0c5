package main

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"reflect"

	"github.com/vmware/govmomi/vim25/types"
)

// writeFault answers a SOAP request with a fault encoded exactly like simulator.Service.ServeSDK does
// (HTTP 500, <detail><XFault xmlns="urn:vim25" xsi:type="X">); used where the middleware answers itself.
func writeFault(w http.ResponseWriter, msg string, fault types.BaseMethodFault) {
	body := struct {
		XMLName xml.Name `xml:"soapenv:Fault"`
		Code    string   `xml:"faultcode"`
		String  string   `xml:"faultstring"`
		Detail  struct {
			Fault *faultDetail
		} `xml:"detail"`
	}{Code: "ServerFaultCode", String: msg}
	body.Detail.Fault = &faultDetail{Fault: fault}
	env := struct {
		XMLName xml.Name    `xml:"soapenv:Envelope"`
		Enc     string      `xml:"xmlns:soapenc,attr"`
		Env     string      `xml:"xmlns:soapenv,attr"`
		XSD     string      `xml:"xmlns:xsd,attr"`
		XSI     string      `xml:"xmlns:xsi,attr"`
		Body    interface{} `xml:"soapenv:Body"`
	}{
		Enc: "http://schemas.xmlsoap.org/soap/encoding/", Env: "http://schemas.xmlsoap.org/soap/envelope/",
		XSD: "http://www.w3.org/2001/XMLSchema", XSI: "http://www.w3.org/2001/XMLSchema-instance",
		Body: struct{ Fault interface{} }{&body},
	}
	var out bytes.Buffer
	out.WriteString(xml.Header)
	if err := xml.NewEncoder(&out).Encode(&env); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write(out.Bytes())
}

// faultDetail renames the detail element to "${Type}Fault" with xsi:type, like the simulator's.
type faultDetail struct {
	Fault types.AnyType
}

func (d *faultDetail) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	kind := reflect.TypeOf(d.Fault).Elem().Name()
	start.Name.Local = kind + "Fault"
	start.Attr = append(start.Attr,
		xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: "urn:vim25"},
		xml.Attr{Name: xml.Name{Local: "xsi:type"}, Value: kind})
	return e.EncodeElement(d.Fault, start)
}
